import { createHash, randomBytes } from 'node:crypto';
import type { UserDto } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import { ServiceError } from './errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export const SESSION_COOKIE = 'dutyroom_session';
const SESSION_HOURS = 12;
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;

export interface DemoAccount {
  readonly username: string;
  readonly password: string;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: string;
  site_id: string;
  password_hash: string;
}
const toUser = (r: UserRow): UserDto => ({ id: String(r.id), username: r.username, displayName: r.display_name, role: r.role, siteId: r.site_id });

export function createAuthService(db: Db, now: () => number) {
  /** Failed logins per username and per client address, for rate limiting. */
  const failures = new Map<string, number[]>();
  const recentFailures = (key: string) => (failures.get(key) ?? []).filter((t) => t > now() - FAILURE_WINDOW_MS);

  return {
    async login(username: string, password: string, clientAddress: string): Promise<{ user: UserDto; token: string }> {
      const keys = [`u:${username}`, `a:${clientAddress}`];
      if (keys.some((k) => recentFailures(k).length >= MAX_FAILURES)) throw new ServiceError('RATE_LIMITED', 'too many failed logins; wait 15 minutes');
      const { rows } = await db.query<UserRow>('select id, username, display_name, role, site_id, password_hash from users where username = $1', [username]);
      const row = rows[0];
      if (row === undefined || !(await verifyPassword(password, row.password_hash))) {
        for (const k of keys) failures.set(k, [...recentFailures(k), now()]);
        throw new ServiceError('UNAUTHENTICATED', 'wrong username or password');
      }
      for (const k of keys) failures.delete(k);
      const token = randomBytes(32).toString('base64url');
      await db.transaction(async (tx) => {
        await tx.query('insert into sessions (token_hash, user_id, expires_at) values ($1, $2, to_timestamp($3 / 1000.0))', [
          sha256(token),
          row.id,
          now() + SESSION_HOURS * 3_600_000,
        ]);
        await audit(tx, { actor: row.username, action: 'login', subjectType: 'user', subjectId: String(row.id) });
      });
      return { user: toUser(row), token };
    },

    async userForToken(token: string | undefined): Promise<UserDto | undefined> {
      if (!token) return undefined;
      const { rows } = await db.query<UserRow>(
        `select u.id, u.username, u.display_name, u.role, u.site_id, u.password_hash from sessions s join users u on u.id = s.user_id
         where s.token_hash = $1 and s.expires_at > to_timestamp($2 / 1000.0)`,
        [sha256(token), now()],
      );
      return rows[0] && toUser(rows[0]);
    },

    async logout(token: string | undefined): Promise<void> {
      if (token) await db.query('delete from sessions where token_hash = $1', [sha256(token)]);
    },

    /** Demo mode only: the accounts the start-up banner and the login page name. */
    async ensureDemoAccounts(siteId: string): Promise<DemoAccount[]> {
      const accounts = [{ username: 'operator', password: 'dutyroom-demo', displayName: '值班员 张敏', role: 'operator' }];
      for (const a of accounts) {
        await db.query(
          `insert into users (username, display_name, role, site_id, password_hash) values ($1, $2, $3, $4, $5)
           on conflict (username) do nothing`,
          [a.username, a.displayName, a.role, siteId, await hashPassword(a.password)],
        );
      }
      return accounts.map(({ username, password }) => ({ username, password }));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
