import { randomBytes, scryptSync } from 'node:crypto';
import { configSchema } from '@dutyroom/domain';
import { startStack } from '@dutyroom/launcher';
import { createLogger, type Db, migrate, openPglite } from '@dutyroom/platform';
import { runAdmin } from '@dutyroom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../harness/clients.ts';
import { uniqueName } from '../harness/servers.ts';
import { testSite } from '../harness/stack.ts';
import { startAccountsStack } from './access-stack.ts';

/** Accounts: the admin command, no default password outside demo mode, rehash on login, rate limit, password change. */

describe('npm run admin (the documented way to make the first admin)', () => {
  let db: Db;
  const printed: string[] = [];
  const admin = (argv: string[], password = 'a sound passphrase 42') =>
    runAdmin(argv, { db, siteId: 'demo', readPassword: async () => password, print: (l) => printed.push(l), now: Date.now });

  beforeAll(async () => {
    db = await openPglite(undefined);
    await migrate(db);
  });
  afterAll(async () => db?.close());

  it('creates an admin with an argon2id hash, refuses weak passwords and unknown roles, audits', async () => {
    await expect(admin(['create-admin', '--username', 'root'], 'short')).rejects.toThrow('at least 10 characters');
    await expect(admin(['create-user', '--username', 'x', '--role', 'king'])).rejects.toThrow('not a role');
    await admin(['create-admin', '--username', 'root', '--display-name', '系统管理员']);
    await expect(admin(['create-admin', '--username', 'root'])).rejects.toThrow('taken');
    const { rows } = await db.query<{ role: string; password_hash: string }>(`select role, password_hash from users where username = 'root'`);
    expect(rows[0]?.role).toBe('admin');
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$/);
    const audit = await db.query<{ actor: string; action: string }>(`select actor, action from audit_log order by id`);
    expect(audit.rows).toEqual([{ actor: 'cli', action: 'user.created' }]);
  });

  it('sets a password, disables and lists accounts', async () => {
    await admin(['create-user', '--username', 'wang', '--role', 'steward', '--person', 'wang']);
    await admin(['set-password', '--username', 'wang'], 'another sound one 7');
    await admin(['disable', '--username', 'wang']);
    await expect(admin(['disable', '--username', 'nobody'])).rejects.toThrow('no user');
    printed.length = 0;
    await admin(['list-users']);
    expect(printed).toEqual(['root\tadmin\tdemo\t-', 'wang\tsteward\tdemo\twang\tdisabled']);
  });
});

describe('outside demo mode', () => {
  it('creates no account and offers no default password', async () => {
    const siteId = uniqueName('t').replace(/_/g, '-');
    const config = configSchema.parse({
      http: { host: '127.0.0.1', port: 0 },
      mqtt: { embeddedPort: 0 },
      ingest: { clientId: `${siteId}-ingest` },
      server: { clientId: `${siteId}-server` },
      demo: false,
      logLevel: 'silent',
    });
    const stack = await startStack({ config, site: testSite(siteId), log: createLogger('silent'), inMemoryDb: true });
    try {
      const { rows } = await stack.db.query<{ n: number }>('select count(*)::int as n from users');
      expect(rows[0]?.n).toBe(0);
      const info = (await (await fetch(`${stack.server.url}/api/v1/info`)).json()) as { demo: unknown; demoAccounts: unknown[] };
      expect(info).toMatchObject({ demo: null, demoAccounts: [] });
      await expect(login(stack.server.url, 'operator', 'dutyroom-demo')).rejects.toThrow('401');
    } finally {
      await stack.stop();
    }
  });
});

describe('sessions and passwords over HTTP', () => {
  let stack: Awaited<ReturnType<typeof startAccountsStack>>;
  const post = (path: string, body: unknown, cookie?: string, method = 'POST') =>
    fetch(`${stack.server.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });

  beforeAll(async () => {
    stack = await startAccountsStack();
  });
  afterAll(async () => stack?.stop());

  it('sets an HttpOnly, SameSite=Strict session cookie and names the demo accounts on the login page data', async () => {
    const response = await post('/api/v1/session', { username: 'wang', password: 'dutyroom-demo' });
    expect(response.headers.get('set-cookie')).toMatch(/^dutyroom_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const info = (await (await fetch(`${stack.server.url}/api/v1/info`)).json()) as { demoAccounts: { username: string; role: string }[] };
    expect(info.demoAccounts).toContainEqual({ username: 'wang', role: 'steward' });
    expect(info.demoAccounts).toContainEqual({ username: 'admin', role: 'admin' });
  });

  it('still accepts an old scrypt hash, and replaces it with argon2id at login', async () => {
    const salt = randomBytes(16);
    const key = scryptSync('legacy-pass-123', salt, 32, { N: 16384, r: 8, p: 1 });
    await stack.db.query(`insert into users (username, display_name, role, site_id, password_hash) values ('legacy', 'L', 'operator', $1, $2)`, [
      stack.siteId,
      ['scrypt', 16384, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$'),
    ]);
    await login(stack.server.url, 'legacy', 'legacy-pass-123');
    const { rows } = await stack.db.query<{ password_hash: string }>(`select password_hash from users where username = 'legacy'`);
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
    await login(stack.server.url, 'legacy', 'legacy-pass-123');
  });

  it('changes a password: the current one is required, other sessions end, the new one works', async () => {
    const mine = await login(stack.server.url, 'he');
    const other = await login(stack.server.url, 'he');
    expect((await post('/api/v1/me/password', { currentPassword: 'nope', newPassword: 'a new long passphrase' }, mine)).status).toBe(403);
    expect((await post('/api/v1/me/password', { currentPassword: 'dutyroom-demo', newPassword: 'short' }, mine)).status).toBe(400);
    expect((await post('/api/v1/me/password', { currentPassword: 'dutyroom-demo', newPassword: 'a new long passphrase' }, mine)).status).toBe(204);
    expect((await fetch(`${stack.server.url}/api/v1/me`, { headers: { cookie: other } })).status).toBe(401);
    expect((await fetch(`${stack.server.url}/api/v1/me`, { headers: { cookie: mine } })).status).toBe(200);
    await expect(login(stack.server.url, 'he', 'dutyroom-demo')).rejects.toThrow('401');
    await login(stack.server.url, 'he', 'a new long passphrase');
  });
  it('rate-limits failed logins (429 after ten failures, even with the right password; last, as it blocks this address)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await post('/api/v1/session', { username: 'chen', password: `wrong-${i}` })).status);
    expect(statuses).toEqual(Array(10).fill(401));
    expect((await post('/api/v1/session', { username: 'chen', password: 'dutyroom-demo' })).status).toBe(429);
  });
});
