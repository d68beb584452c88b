import { z } from 'zod';
import { roles } from '../access/roles.ts';

/**
 * Users and roles (admin screen, SPEC §8): the account as an admin sees it and the requests that
 * change it. Passwords never travel back, except a generated one-time password, once.
 */
export const userAccountDtoSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  /** The person of the site file this account is (a steward's grids follow it); null for desk accounts. */
  personId: z.string().nullable(),
  disabled: z.boolean(),
  /** The password was set by an admin and its owner has not changed it yet. */
  mustChangePassword: z.boolean(),
  createdAt: z.number(),
  /** From the audit log; null when the account never logged in. */
  lastLoginAt: z.number().nullable(),
});
export type UserAccountDto = z.infer<typeof userAccountDtoSchema>;

const username = z.string().regex(/^[\w.@-]{1,64}$/, 'letters, digits, ".", "_", "-" or "@", at most 64');
const displayName = z.string().trim().min(1, 'required').max(64);
const role = z.enum(roles);
const personId = z.string().min(1).max(64).nullable();
const password = z.string().min(1).max(256);

/** A new account: with `password` the admin chose one; without, the server generates a one-time password. */
export const createUserRequestSchema = z.strictObject({ username, displayName, role, personId: personId.optional(), password: password.optional() });
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

/** Role, status or name; at least one. A role change or disabling ends the account's sessions. */
export const updateUserRequestSchema = z
  .strictObject({ role: role.optional(), disabled: z.boolean().optional(), displayName: displayName.optional(), personId: personId.optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one of role, disabled, displayName, personId' });
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

/** A password reset: either the admin's choice or `generate: true` (a one-time password shown once). */
export const resetPasswordRequestSchema = z.union([z.strictObject({ password }), z.strictObject({ generate: z.literal(true) })], {
  error: 'give either password or generate: true',
});
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequestSchema>;

export const userWithPasswordSchema = z.object({
  user: userAccountDtoSchema,
  /** Present only when the server generated the password: shown once, never stored in clear. */
  oneTimePassword: z.string().optional(),
});
