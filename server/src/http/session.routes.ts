import { loginRequestSchema, userDtoSchema } from '@dutyroom/domain';
import { z } from 'zod';
import { type AuthService, SESSION_COOKIE } from '../services/auth.service.ts';
import { ServiceError } from '../services/errors.ts';
import type { Router } from './router.ts';
import { sessionToken } from './session-token.ts';

/** Log in, log out, who am I. */
export function sessionRoutes(router: Router, deps: { auth: AuthService; secureCookies: boolean }): void {
  router.route(
    {
      method: 'POST',
      url: '/api/v1/session',
      summary: 'Log in (sets the session cookie)',
      tag: 'session',
      public: true,
      body: loginRequestSchema,
      response: z.object({ user: userDtoSchema }),
    },
    async ({ body, request, reply }) => {
      const { user, token } = await deps.auth.login(body.username, body.password, request.ip);
      const secure = deps.secureCookies ? '; Secure' : '';
      reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${12 * 3600}${secure}`);
      return { user };
    },
  );
  router.route({ method: 'DELETE', url: '/api/v1/session', summary: 'Log out', tag: 'session', public: true }, async ({ request, reply }) => {
    await deps.auth.logout(sessionToken(request));
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.status(204).send();
  });
  router.route(
    {
      method: 'GET',
      url: '/api/v1/me',
      summary: 'The logged-in user (mustChangePassword: only a password change is allowed until it is done)',
      tag: 'session',
      duringPasswordChange: true,
      response: z.object({ user: userDtoSchema }),
    },
    async ({ user }) => {
      if (user === undefined) throw new ServiceError('UNAUTHENTICATED', 'log in first');
      return { user };
    },
  );
}
