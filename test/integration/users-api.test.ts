import type { UserAccountDto } from '@dutyroom/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSocket, login } from '../harness/clients.ts';
import { waitFor } from '../harness/servers.ts';
import { startAccountsStack } from './access-stack.ts';

/** Users and roles over the real API (admin screen): create, change role, disable, reset, the last-admin guard, the audit trail. */
describe('users and roles API', () => {
  let stack: Awaited<ReturnType<typeof startAccountsStack>>;
  let admin = '';

  const call = async (cookie: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.server.url}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  };
  const users = async () => (await call(admin, 'GET', '/api/v1/users')).body?.['items'] as UserAccountDto[];
  const byName = async (username: string) => (await users()).find((u) => u.username === username);
  const loginStatus = async (username: string, password: string) =>
    (
      await fetch(`${stack.server.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      })
    ).status;

  beforeAll(async () => {
    stack = await startAccountsStack();
    admin = await login(stack.server.url, 'admin');
  });
  afterAll(async () => stack?.stop());

  it('lists the accounts with role, status and last login, and refuses non-admins', async () => {
    const list = await users();
    const self = list.find((u) => u.username === 'admin');
    expect(self).toMatchObject({ role: 'admin', disabled: false, personId: null });
    expect(self?.lastLoginAt).toBeGreaterThan(Date.now() - 60_000);
    expect(list.find((u) => u.username === 'wang')).toMatchObject({ role: 'steward', personId: 'wang', lastLoginAt: null });
    const operator = await login(stack.server.url, 'operator');
    expect((await call(operator, 'GET', '/api/v1/users')).status).toBe(403);
    expect((await call(operator, 'POST', '/api/v1/users', { username: 'x', displayName: 'x', role: 'admin' })).status).toBe(403);
  });

  it('names the field at fault in a bad request', async () => {
    const bad = await call(admin, 'POST', '/api/v1/users', { username: 'no spaces', displayName: '', role: 'king' });
    expect(bad.status).toBe(400);
    const paths = ((bad.body?.['error'] as { issues?: { path: string }[] } | undefined)?.issues ?? []).map((i) => i.path).sort();
    expect(paths).toEqual(['body.displayName', 'body.role', 'body.username']);
    const unknownPerson = await call(admin, 'POST', '/api/v1/users', { username: 'ghost', displayName: '鬼', role: 'steward', personId: 'nobody' });
    expect(unknownPerson).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION' } } });
    expect(JSON.stringify(unknownPerson.body)).toContain('personId');
    const weak = await call(admin, 'POST', '/api/v1/users', { username: 'weak', displayName: 'w', role: 'operator', password: 'short' });
    expect(weak.status).toBe(400);
    expect(JSON.stringify(weak.body)).toContain('password: at least 10 characters');
    expect((await call(admin, 'PATCH', '/api/v1/users/1', {})).status).toBe(400);
    expect((await call(admin, 'POST', '/api/v1/users/1/password', {})).status).toBe(400);
    expect((await call(admin, 'PATCH', '/api/v1/users/999999', { role: 'operator' })).status).toBe(404);
  });

  it('creates an account with a one-time password shown once, which logs in', async () => {
    const created = await call(admin, 'POST', '/api/v1/users', { username: 'new.desk', displayName: '新客服', role: 'customer-service' });
    expect(created.status).toBe(201);
    const otp = created.body?.['oneTimePassword'] as string;
    expect(otp).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(created.body?.['user']).toMatchObject({ username: 'new.desk', role: 'customer-service', disabled: false });
    expect(JSON.stringify(await users())).not.toContain(otp);
    // The password an admin set: the account may only say who it is and change it, on REST and socket.io.
    const session = await login(stack.server.url, 'new.desk', otp);
    expect((await call(session, 'GET', '/api/v1/me')).body?.['user']).toMatchObject({ username: 'new.desk', mustChangePassword: true });
    expect(await call(session, 'GET', '/api/v1/board')).toMatchObject({ status: 403, body: { error: { code: 'PASSWORD_CHANGE_REQUIRED' } } });
    await expect(consoleSocket(stack.server.url, session)).rejects.toThrow('PASSWORD_CHANGE_REQUIRED');
    expect((await byName('new.desk'))?.mustChangePassword).toBe(true);
    const same = await call(session, 'POST', '/api/v1/me/password', { currentPassword: otp, newPassword: otp });
    expect(same.status).toBe(400);
    expect(JSON.stringify(same.body)).toContain('must differ');
    expect((await call(session, 'POST', '/api/v1/me/password', { currentPassword: otp, newPassword: 'my own desk phrase 5' })).status).toBe(204);
    expect((await call(session, 'GET', '/api/v1/board')).status).toBe(200);
    expect((await byName('new.desk'))?.mustChangePassword).toBe(false);
    const taken = await call(admin, 'POST', '/api/v1/users', {
      username: 'new.desk',
      displayName: 'again',
      role: 'operator',
      password: 'a sound passphrase 1',
    });
    expect(taken).toMatchObject({ status: 409 });
    expect(JSON.stringify(taken.body)).toContain('username');
  });

  it('changes a role and disables an account: its sessions and live consoles end at once; enabling lets it back', async () => {
    const created = await call(admin, 'POST', '/api/v1/users', { username: 'temp', displayName: '临时', role: 'operator', password: 'a sound passphrase 2' });
    const id = (created.body?.['user'] as UserAccountDto | undefined)?.id ?? '';
    const session = await login(stack.server.url, 'temp', 'a sound passphrase 2');
    expect((await call(session, 'POST', '/api/v1/me/password', { currentPassword: 'a sound passphrase 2', newPassword: 'a private phrase 22' })).status).toBe(
      204,
    );
    const socket = await consoleSocket(stack.server.url, session);
    let dropped = false;
    socket.on('disconnect', () => {
      dropped = true;
    });
    expect((await call(admin, 'PATCH', `/api/v1/users/${id}`, { role: 'supervisor' })).body?.['user']).toMatchObject({ role: 'supervisor' });
    expect((await call(session, 'GET', '/api/v1/me')).status).toBe(401);
    await waitFor(() => dropped, 'the socket of the changed account dropped');
    socket.close();

    const again = await login(stack.server.url, 'temp', 'a private phrase 22');
    expect((await call(admin, 'PATCH', `/api/v1/users/${id}`, { disabled: true })).body?.['user']).toMatchObject({ disabled: true });
    expect((await call(again, 'GET', '/api/v1/me')).status).toBe(401);
    expect(await loginStatus('temp', 'a private phrase 22')).toBe(401);
    expect((await call(admin, 'PATCH', `/api/v1/users/${id}`, { disabled: false })).status).toBe(200);
    expect(await loginStatus('temp', 'a private phrase 22')).toBe(200);
  });

  it('resets a password: the old one stops working, every session ends, a generated one is returned once', async () => {
    const id = (await byName('qian'))?.id ?? '';
    const session = await login(stack.server.url, 'qian');
    const reset = await call(admin, 'POST', `/api/v1/users/${id}/password`, { generate: true });
    expect(reset.status).toBe(200);
    const otp = reset.body?.['oneTimePassword'] as string;
    expect((await call(session, 'GET', '/api/v1/me')).status).toBe(401);
    expect(await loginStatus('qian', 'dutyroom-demo')).toBe(401);
    expect(await loginStatus('qian', otp)).toBe(200);
    expect((await byName('qian'))?.mustChangePassword).toBe(true);
    const chosen = await call(admin, 'POST', `/api/v1/users/${id}/password`, { password: 'the desk passphrase 9' });
    expect(chosen.status).toBe(200);
    expect(chosen.body?.['oneTimePassword']).toBeUndefined();
    expect(await loginStatus('qian', 'the desk passphrase 9')).toBe(200);
  });

  it('keeps one active admin: no self-disable, no demoting the last admin, with a clear error', async () => {
    const self = await byName('admin');
    const selfDisable = await call(admin, 'PATCH', `/api/v1/users/${self?.id}`, { disabled: true });
    expect(selfDisable).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    expect(JSON.stringify(selfDisable.body)).toContain('own account');
    const demote = await call(admin, 'PATCH', `/api/v1/users/${self?.id}`, { role: 'operator' });
    expect(demote.status).toBe(409);
    expect(JSON.stringify(demote.body)).toContain('last active admin');
    expect((await byName('admin'))?.role).toBe('admin');
    // With a second admin, the first may step down.
    await call(admin, 'POST', '/api/v1/users', { username: 'admin2', displayName: '第二管理员', role: 'admin', password: 'a sound passphrase 3' });
    expect((await call(admin, 'PATCH', `/api/v1/users/${self?.id}`, { role: 'manager' })).status).toBe(200);
    expect((await call(admin, 'GET', '/api/v1/users')).status).toBe(401);
  });

  it('audits every change with the acting admin and the site', async () => {
    const { rows } = await stack.db.query<{ actor: string; action: string; site: string }>(
      `select actor, action, detail->>'siteId' as site from audit_log where action like 'user.%' order by id`,
    );
    expect(rows.map((r) => r.action)).toEqual([
      'user.created',
      'user.created',
      'user.role-changed',
      'user.disabled',
      'user.enabled',
      'user.password-reset',
      'user.password-reset',
      'user.created',
      'user.role-changed',
    ]);
    expect(new Set(rows.map((r) => `${r.actor} ${r.site}`))).toEqual(new Set([`admin ${stack.siteId}`]));
  });
});
