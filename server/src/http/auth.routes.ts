import { changePasswordRequestSchema, loginRequestSchema } from '@dutyroom/domain';
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../services/access.ts';
import { type AuthService, SESSION_COOKIE, SESSION_HOURS } from '../services/auth.service.ts';
import { parseWith, type RouteContext, sessionToken } from './accounts-shared.ts';

/**
 * Sessions and one's own account. The cookie is HttpOnly (no script reads it), SameSite=Strict
 * (no cross-site request carries it: CSRF) and Secure when served over TLS (secureCookies).
 */
export function registerAuthRoutes(app: FastifyInstance, ctx: RouteContext & { auth: AuthService; secureCookies: boolean }): void {
  const cookie = (value: string, maxAge: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${ctx.secureCookies ? '; Secure' : ''}`;

  app.post('/api/v1/session', async (request, reply) => {
    const { username, password } = parseWith(loginRequestSchema, request.body);
    const { user, token } = await ctx.auth.login(username, password, request.ip);
    reply.header('set-cookie', cookie(token, SESSION_HOURS * 3600));
    return { user };
  });

  app.delete('/api/v1/session', async (request, reply) => {
    await ctx.auth.logout(sessionToken(request));
    reply.header('set-cookie', cookie('', 0));
    return reply.status(204).send();
  });

  /** Logout everywhere: every session of this account on every device ends. */
  app.delete('/api/v1/sessions', async (request, reply) => {
    const user = requireUser(await ctx.currentUser(request));
    const ended = await ctx.auth.logoutEverywhere(user);
    reply.header('set-cookie', cookie('', 0));
    return { ended };
  });

  app.get('/api/v1/me', async (request) => ({ user: requireUser(await ctx.currentUser(request)) }));

  /** Password change: the current password is required; other sessions end. */
  app.put('/api/v1/me/password', async (request, reply) => {
    const user = requireUser(await ctx.currentUser(request));
    const body = parseWith(changePasswordRequestSchema, request.body);
    await ctx.auth.changePassword(user, sessionToken(request), body.currentPassword, body.newPassword);
    return reply.status(204).send();
  });
}
