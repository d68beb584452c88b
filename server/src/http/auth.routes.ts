import { changePasswordRequestSchema } from '@dutyroom/domain';
import { z } from 'zod';
import { requireUser } from '../services/access.ts';
import { type AuthService, SESSION_COOKIE } from '../services/auth.service.ts';
import type { Router } from './router.ts';
import { sessionToken } from './session-token.ts';

/**
 * One's own account, beyond log in/out (session.routes.ts): logout everywhere and password change.
 * The session cookie is HttpOnly, SameSite=Strict, and Secure behind TLS (secureCookies).
 */
export function authRoutes(router: Router, deps: { auth: AuthService; secureCookies: boolean }): void {
  router.route(
    {
      method: 'DELETE',
      url: '/api/v1/sessions',
      summary: 'Log out everywhere: every session of this account on every device ends',
      tag: 'session',
      duringPasswordChange: true,
      response: z.object({ ended: z.number().int() }),
    },
    async ({ user, reply }) => {
      const ended = await deps.auth.logoutEverywhere(requireUser(user));
      reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${deps.secureCookies ? '; Secure' : ''}`);
      return { ended };
    },
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/me/password',
      summary: 'Change one’s password (the current one is required); every other session ends',
      tag: 'session',
      duringPasswordChange: true,
      body: changePasswordRequestSchema,
    },
    async ({ user, body, request, reply }) => {
      await deps.auth.changePassword(requireUser(user), sessionToken(request), body.currentPassword, body.newPassword);
      return reply.status(204).send();
    },
  );
}
