import { createHash, randomBytes } from 'node:crypto';
import { isRole, type SiteFile, type UserDto } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import { ServiceError } from './errors.ts';
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from './passwords.ts';

export const SESSION_COOKIE = 'dutyroom_session';
export const SESSION_HOURS = 12;
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;
export const DEMO_PASSWORD = 'dutyroom-demo';

export interface DemoAccount {
  readonly username: string;
  readonly password: string;
  readonly role?: string;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: string;
  site_id: string;
  person_id: string | null;
  password_hash: string;
  disabled: boolean;
  must_change_password: boolean;
}
const USER_COLUMNS = 'u.id, u.username, u.display_name, u.role, u.site_id, u.person_id, u.password_hash, u.disabled, u.must_change_password';
const toUser = (r: UserRow): UserDto => ({
  id: String(r.id),
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  siteId: r.site_id,
  personId: r.person_id,
  ...(r.must_change_password ? { mustChangePassword: true } : {}),
});

export interface NewUser {
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  readonly siteId: string;
  readonly personId: string | null;
  readonly password: string;
}

export function createAuthService(db: Db, now: () => number) {
  /** Failed logins per username and per client address, for rate limiting (OWASP ASVS 2.2.1). */
  const failures = new Map<string, number[]>();
  const recentFailures = (key: string) => (failures.get(key) ?? []).filter((t) => t > now() - FAILURE_WINDOW_MS);

  async function findUser(where: string, value: string | number): Promise<UserRow | undefined> {
    const { rows } = await db.query<UserRow>(`select ${USER_COLUMNS} from users u where ${where} = $1`, [value]);
    return rows[0];
  }

  return {
    async login(username: string, password: string, clientAddress: string): Promise<{ user: UserDto; token: string }> {
      const keys = [`u:${username}`, `a:${clientAddress}`];
      if (keys.some((k) => recentFailures(k).length >= MAX_FAILURES)) throw new ServiceError('RATE_LIMITED', 'too many failed logins; wait 15 minutes');
      const row = await findUser('u.username', username);
      if (row === undefined || row.disabled || !(await verifyPassword(password, row.password_hash))) {
        for (const k of keys) failures.set(k, [...recentFailures(k), now()]);
        throw new ServiceError('UNAUTHENTICATED', 'wrong username or password');
      }
      for (const k of keys) failures.delete(k);
      const token = randomBytes(32).toString('base64url');
      const upgraded = needsRehash(row.password_hash) ? await hashPassword(password) : undefined;
      await db.transaction(async (tx) => {
        await tx.query('insert into sessions (token_hash, user_id, expires_at) values ($1, $2, to_timestamp($3 / 1000.0))', [
          sha256(token),
          row.id,
          now() + SESSION_HOURS * 3_600_000,
        ]);
        // An older hash (scrypt, weaker parameters) is replaced now that the password is known.
        if (upgraded !== undefined) await tx.query('update users set password_hash = $2 where id = $1', [row.id, upgraded]);
        await audit(tx, { actor: row.username, action: 'login', subjectType: 'user', subjectId: String(row.id), detail: { rehashed: upgraded !== undefined } });
      });
      return { user: toUser(row), token };
    },

    async userForToken(token: string | undefined): Promise<UserDto | undefined> {
      if (!token) return undefined;
      const { rows } = await db.query<UserRow>(
        `select ${USER_COLUMNS} from sessions s join users u on u.id = s.user_id
         where s.token_hash = $1 and s.expires_at > to_timestamp($2 / 1000.0) and not u.disabled`,
        [sha256(token), now()],
      );
      return rows[0] && toUser(rows[0]);
    },

    async logout(token: string | undefined): Promise<void> {
      if (token) await db.query('delete from sessions where token_hash = $1', [sha256(token)]);
    },

    /** Ends every session of the user on every device (a lost phone, a suspected leak). */
    async logoutEverywhere(user: UserDto): Promise<number> {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query('delete from sessions where user_id = $1 returning token_hash', [Number(user.id)]);
        await audit(tx, { actor: user.username, action: 'logout-everywhere', subjectType: 'user', subjectId: user.id, detail: { sessions: rows.length } });
        return rows.length;
      });
    },

    /** Changes the password after checking the current one; every other session ends. */
    async changePassword(user: UserDto, currentToken: string | undefined, current: string, next: string): Promise<void> {
      const row = await findUser('u.id', Number(user.id));
      if (row === undefined || !(await verifyPassword(current, row.password_hash))) throw new ServiceError('FORBIDDEN', 'the current password is wrong');
      const problem = next === current ? 'must differ from the current one' : passwordProblem(next, row.username);
      if (problem !== undefined) throw new ServiceError('VALIDATION', `new password: ${problem}`);
      const hash = await hashPassword(next);
      await db.transaction(async (tx) => {
        await tx.query('update users set password_hash = $2, password_changed_at = to_timestamp($3 / 1000.0), must_change_password = false where id = $1', [
          row.id,
          hash,
          now(),
        ]);
        await tx.query('delete from sessions where user_id = $1 and token_hash <> $2', [row.id, sha256(currentToken ?? '')]);
        await audit(tx, { actor: row.username, action: 'password-changed', subjectType: 'user', subjectId: String(row.id) });
      });
    },

    /** Creates an account (the admin command, demo mode). Refuses an unknown role or a weak password. */
    async createUser(input: NewUser, actor: string, options: { skipPolicy?: boolean } = {}): Promise<UserDto> {
      if (!isRole(input.role))
        throw new ServiceError('VALIDATION', `role: one of operator, customer-service, steward, maintenance, security, supervisor, manager, admin`);
      const problem = options.skipPolicy ? undefined : passwordProblem(input.password, input.username);
      if (problem !== undefined) throw new ServiceError('VALIDATION', `password: ${problem}`);
      const hash = await hashPassword(input.password);
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<UserRow>(
          `insert into users (username, display_name, role, site_id, person_id, password_hash) values ($1, $2, $3, $4, $5, $6)
           on conflict (username) do nothing returning id, username, display_name, role, site_id, person_id, password_hash, disabled, must_change_password`,
          [input.username, input.displayName, input.role, input.siteId, input.personId, hash],
        );
        const row = rows[0];
        if (row === undefined) throw new ServiceError('VALIDATION', `username "${input.username}" is taken`);
        await audit(tx, {
          actor,
          action: 'user.created',
          subjectType: 'user',
          subjectId: String(row.id),
          detail: { role: input.role, personId: input.personId },
        });
        return toUser(row);
      });
    },

    async countAdmins(): Promise<number> {
      const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from users where role = 'admin' and not disabled`);
      return rows[0]?.n ?? 0;
    },

    /**
     * Demo mode only: one account per person of the site file (username = person id) plus an
     * operator and an admin, all with the demo password the login page shows. Never outside demo
     * mode: there, the first admin comes from `npm run admin -- create-admin`.
     */
    async ensureDemoAccounts(site: SiteFile): Promise<DemoAccount[]> {
      const siteId = site.site.id;
      const accounts = [
        { username: 'operator', displayName: '值班员 张敏', role: 'operator', personId: null },
        { username: 'admin', displayName: '系统管理员', role: 'admin', personId: null },
        ...site.people.map((p) => ({ username: p.id, displayName: p.name, role: p.role, personId: p.id })),
      ];
      const hash = await hashPassword(DEMO_PASSWORD);
      for (const a of accounts) {
        await db.query(
          `insert into users (username, display_name, role, site_id, person_id, password_hash) values ($1, $2, $3, $4, $5, $6)
           on conflict (username) do nothing`,
          [a.username, a.displayName, a.role, siteId, a.personId, hash],
        );
      }
      return accounts.map(({ username, role }) => ({ username, password: DEMO_PASSWORD, role }));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
