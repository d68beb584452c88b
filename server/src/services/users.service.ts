import { randomBytes } from 'node:crypto';
import type { CreateUserRequest, ResetPasswordRequest, UpdateUserRequest, UserAccountDto, UserDto } from '@dutyroom/domain';
import type { Db, Queryable } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import { requirePermission } from './access.ts';
import { ServiceError } from './errors.ts';
import { hashPassword, passwordProblem } from './passwords.ts';

interface AccountRow {
  id: number;
  username: string;
  display_name: string;
  role: string;
  person_id: string | null;
  disabled: boolean;
  must_change_password: boolean;
  created_at: number;
  last_login_at: number | null;
}

// Last login from the audit log (every login leaves a row there), so no column to keep in step.
const ACCOUNT_SELECT = `select u.id, u.username, u.display_name, u.role, u.person_id, u.disabled, u.must_change_password,
  (extract(epoch from u.created_at) * 1000)::float8 as created_at,
  (select (extract(epoch from max(a.at)) * 1000)::float8 from audit_log a
    where a.action = 'login' and a.subject_type = 'user' and a.subject_id = u.id::text) as last_login_at
  from users u`;

const toAccount = (r: AccountRow): UserAccountDto => ({
  id: String(r.id),
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  personId: r.person_id,
  disabled: r.disabled,
  mustChangePassword: r.must_change_password,
  createdAt: r.created_at,
  lastLoginAt: r.last_login_at,
});

/** 16 characters from an alphabet without look-alikes (0/O, 1/l/I): about 80 bits, easy to read out over the phone. */
export function oneTimePassword(bytes: Buffer = randomBytes(16)): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8, 12).join('')}-${chars.slice(12, 16).join('')}`;
}

/**
 * Whether a change leaves the site without an active admin: the console's only way to manage
 * accounts would be gone (the command line would be the way back). Pure, for the unit test.
 */
export function leavesNoAdmin(activeAdminIds: readonly string[], targetId: string, next: { role: string; disabled: boolean }): boolean {
  const stillAdmin = next.role === 'admin' && !next.disabled;
  return !stillAdmin && activeAdminIds.filter((id) => id !== targetId).length === 0;
}

/**
 * Users and roles for the admin screen: list, create, change role or status, reset a password.
 * Every change is audited in its transaction; a role change, disabling or a reset ends the
 * account's sessions there and then (and its live sockets, through `onSessionsEnded`). A password
 * an admin set, generated or chosen, must be changed by its owner at the first login.
 */
export function createUsersService(deps: {
  db: Db;
  siteId: string;
  /** The people of the site file an account may be linked to. */
  personIds: ReadonlySet<string>;
  onSessionsEnded?: (userId: string) => void;
}) {
  const { db, siteId } = deps;

  async function load(q: Queryable, id: string, lock = false): Promise<AccountRow> {
    const { rows } = await q.query<AccountRow>(`${ACCOUNT_SELECT} where u.site_id = $1 and u.id = $2${lock ? ' for update of u' : ''}`, [siteId, Number(id)]);
    const row = rows[0];
    if (row === undefined) throw new ServiceError('NOT_FOUND', `no user ${id}`);
    return row;
  }

  const checkPerson = (personId: string | null | undefined) => {
    if (personId !== null && personId !== undefined && !deps.personIds.has(personId))
      throw new ServiceError('VALIDATION', `personId: no person "${personId}" in the site file`);
  };

  const endSessions = async (tx: Queryable, id: number) => (await tx.query('delete from sessions where user_id = $1 returning user_id', [id])).rows.length;

  return {
    async list(user: UserDto | undefined): Promise<UserAccountDto[]> {
      requirePermission(user, 'users:manage', siteId);
      const { rows } = await db.query<AccountRow>(`${ACCOUNT_SELECT} where u.site_id = $1 order by u.username`, [siteId]);
      return rows.map(toAccount);
    },

    async create(user: UserDto | undefined, input: CreateUserRequest): Promise<{ user: UserAccountDto; oneTimePassword?: string }> {
      const actor = requirePermission(user, 'users:manage', siteId);
      checkPerson(input.personId);
      const generated = input.password === undefined ? oneTimePassword() : undefined;
      const password = input.password ?? generated ?? '';
      const problem = passwordProblem(password, input.username);
      if (problem !== undefined) throw new ServiceError('VALIDATION', `password: ${problem}`);
      const hash = await hashPassword(password);
      const created = await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: number }>(
          `insert into users (username, display_name, role, site_id, person_id, password_hash, must_change_password) values ($1, $2, $3, $4, $5, $6, true)
           on conflict (username) do nothing returning id`,
          [input.username, input.displayName, input.role, siteId, input.personId ?? null, hash],
        );
        const id = rows[0]?.id;
        if (id === undefined) throw new ServiceError('CONFLICT', `username: "${input.username}" is taken`);
        await audit(tx, {
          actor: actor.username,
          action: 'user.created',
          subjectType: 'user',
          subjectId: String(id),
          detail: { siteId, username: input.username, role: input.role, personId: input.personId ?? null, generatedPassword: generated !== undefined },
        });
        return load(tx, String(id));
      });
      return { user: toAccount(created), ...(generated === undefined ? {} : { oneTimePassword: generated }) };
    },

    async update(user: UserDto | undefined, id: string, change: UpdateUserRequest): Promise<UserAccountDto> {
      const actor = requirePermission(user, 'users:manage', siteId);
      checkPerson(change.personId);
      if (change.disabled === true && id === actor.id) throw new ServiceError('CONFLICT', 'disabled: an admin cannot disable their own account');
      let ended = false;
      const updated = await db.transaction(async (tx) => {
        const before = await load(tx, id, true);
        const next = { role: change.role ?? before.role, disabled: change.disabled ?? before.disabled };
        if (before.role === 'admin' && !before.disabled) {
          // Locks every active admin row, so two admins demoting each other at once cannot both pass.
          const { rows } = await tx.query<{ id: number }>(
            `select id from users where site_id = $1 and role = 'admin' and not disabled order by id for update`,
            [siteId],
          );
          if (
            leavesNoAdmin(
              rows.map((r) => String(r.id)),
              id,
              next,
            )
          )
            throw new ServiceError(
              'CONFLICT',
              `${change.role !== undefined ? 'role' : 'disabled'}: this is the last active admin account; make another admin first`,
            );
        }
        await tx.query('update users set role = $2, disabled = $3, display_name = $4, person_id = $5 where id = $1', [
          before.id,
          next.role,
          next.disabled,
          change.displayName ?? before.display_name,
          change.personId === undefined ? before.person_id : change.personId,
        ]);
        const roleChanged = next.role !== before.role;
        const disabling = next.disabled && !before.disabled;
        const sessions = roleChanged || disabling ? await endSessions(tx, before.id) : 0;
        ended = roleChanged || disabling;
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        if (roleChanged) changes['role'] = { from: before.role, to: next.role };
        if (next.disabled !== before.disabled) changes['disabled'] = { from: before.disabled, to: next.disabled };
        if (change.displayName !== undefined && change.displayName !== before.display_name)
          changes['displayName'] = { from: before.display_name, to: change.displayName };
        if (change.personId !== undefined && change.personId !== before.person_id) changes['personId'] = { from: before.person_id, to: change.personId };
        const action = disabling ? 'user.disabled' : next.disabled !== before.disabled ? 'user.enabled' : roleChanged ? 'user.role-changed' : 'user.updated';
        await audit(tx, {
          actor: actor.username,
          action,
          subjectType: 'user',
          subjectId: id,
          detail: { siteId, username: before.username, changes, sessionsEnded: sessions },
        });
        return load(tx, id);
      });
      if (ended) deps.onSessionsEnded?.(id);
      return toAccount(updated);
    },

    async resetPassword(user: UserDto | undefined, id: string, request: ResetPasswordRequest): Promise<{ user: UserAccountDto; oneTimePassword?: string }> {
      const actor = requirePermission(user, 'users:manage', siteId);
      const target = await load(db, id);
      const generated = 'generate' in request ? oneTimePassword() : undefined;
      const password = 'password' in request ? request.password : (generated ?? '');
      const problem = passwordProblem(password, target.username);
      if (problem !== undefined) throw new ServiceError('VALIDATION', `password: ${problem}`);
      const hash = await hashPassword(password);
      await db.transaction(async (tx) => {
        await tx.query('update users set password_hash = $2, password_changed_at = now(), must_change_password = true where id = $1', [target.id, hash]);
        const sessions = await endSessions(tx, target.id);
        await audit(tx, {
          actor: actor.username,
          action: 'user.password-reset',
          subjectType: 'user',
          subjectId: id,
          detail: { siteId, username: target.username, generated: generated !== undefined, sessionsEnded: sessions },
        });
      });
      deps.onSessionsEnded?.(id);
      return { user: toAccount(target), ...(generated === undefined ? {} : { oneTimePassword: generated }) };
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
