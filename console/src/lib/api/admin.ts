import { type CreateUserRequest, type ResetPasswordRequest, type UpdateUserRequest, userAccountDtoSchema, userWithPasswordSchema } from '@dutyroom/domain';
import { z } from 'zod';
import { request } from './client.ts';

/** The admin screen's calls: users and roles, the roster editor. */

const shiftSchema = z.object({ id: z.string(), personId: z.string(), startsAt: z.number(), endsAt: z.number() });
export type Shift = z.infer<typeof shiftSchema>;
const rosterSchema = z.object({
  onDuty: z.string().nullable(),
  offDuty: z.array(z.string()),
  shifts: z.array(shiftSchema),
  grids: z.array(z.object({ id: z.string(), name: z.string(), stewardId: z.string() })),
});
export type RosterView = z.infer<typeof rosterSchema>;

const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) });
const userPath = (id: string) => `/api/v1/users/${encodeURIComponent(id)}`;

export const adminApi = {
  users: () => request(z.object({ items: z.array(userAccountDtoSchema) }), '/api/v1/users'),
  createUser: (body: CreateUserRequest) => request(userWithPasswordSchema, '/api/v1/users', json('POST', body)),
  updateUser: (id: string, body: UpdateUserRequest) => request(z.object({ user: userAccountDtoSchema }), userPath(id), json('PATCH', body)),
  resetPassword: (id: string, body: ResetPasswordRequest) => request(userWithPasswordSchema, `${userPath(id)}/password`, json('POST', body)),
  roster: () => request(rosterSchema, '/api/v1/roster'),
  shifts: (from: number, to: number) => request(z.object({ items: z.array(shiftSchema) }), `/api/v1/roster/shifts?from=${from}&to=${to}`),
  addShift: (body: { personId: string; startsAt: number; endsAt: number }) =>
    request(z.object({ id: z.string() }), '/api/v1/roster/shifts', json('POST', body)),
  removeShift: (id: string) => request(z.null(), `/api/v1/roster/shifts/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
