import { createUserRequestSchema, resetPasswordRequestSchema, updateUserRequestSchema, userAccountDtoSchema, userWithPasswordSchema } from '@dutyroom/domain';
import { z } from 'zod';
import type { UsersService } from '../services/users.service.ts';
import { numericIdParams } from './accounts-shared.ts';
import type { Router } from './router.ts';

/**
 * Users and roles (admin screen). Every route needs users:manage (admin only). The bodies of the
 * changing routes have required fields, so an empty body changes nothing (400).
 */
export function usersRoutes(router: Router, deps: { users: UsersService }): void {
  router.route(
    {
      method: 'GET',
      url: '/api/v1/users',
      permission: 'users:manage',
      summary: 'The accounts of this site: role, person, status, last login',
      tag: 'users',
      response: z.object({ items: z.array(userAccountDtoSchema) }),
    },
    async ({ user }) => ({ items: await deps.users.list(user) }),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/users',
      permission: 'users:manage',
      summary: 'Create an account; without a password the server generates a one-time password, returned once',
      tag: 'users',
      body: createUserRequestSchema,
      response: userWithPasswordSchema,
    },
    async ({ user, body, reply }) => {
      reply.status(201);
      return deps.users.create(user, body);
    },
  );
  router.route(
    {
      method: 'PATCH',
      url: '/api/v1/users/:id',
      permission: 'users:manage',
      summary: 'Change role, disable/enable, display name or person link; a role change or disabling ends the account’s sessions',
      tag: 'users',
      params: numericIdParams('a user id'),
      body: updateUserRequestSchema,
      response: z.object({ user: userAccountDtoSchema }),
    },
    async ({ user, params, body }) => ({ user: await deps.users.update(user, params.id, body) }),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/users/:id/password',
      permission: 'users:manage',
      summary: 'Reset an account’s password (given, or generated and returned once); its sessions end',
      tag: 'users',
      params: numericIdParams('a user id'),
      body: resetPasswordRequestSchema,
      response: userWithPasswordSchema,
    },
    async ({ user, params, body }) => deps.users.resetPassword(user, params.id, body),
  );
}
