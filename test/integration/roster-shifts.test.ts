import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../harness/clients.ts';
import { startAccountsStack } from './access-stack.ts';

/** The roster editor's week: shifts of a time range, ended ones included, with the range checked. */
describe('roster shifts of a range', () => {
  let stack: Awaited<ReturnType<typeof startAccountsStack>>;
  let supervisor = '';
  const HOUR = 3_600_000;
  const now = Date.now();

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.server.url}${path}`, {
      method,
      headers: { cookie: supervisor, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  };

  beforeAll(async () => {
    stack = await startAccountsStack();
    supervisor = await login(stack.server.url, 'chen');
  });
  afterAll(async () => stack?.stop());

  it('lists ended and coming shifts of the range, where the live roster shows only the unended', async () => {
    const ended = { personId: 'li', startsAt: now - 10 * HOUR, endsAt: now - 2 * HOUR };
    const current = { personId: 'wang', startsAt: now - HOUR, endsAt: now + 8 * HOUR };
    const later = { personId: 'li', startsAt: now + 40 * 24 * HOUR, endsAt: now + 40 * 24 * HOUR + HOUR };
    for (const shift of [ended, current, later]) expect((await call('POST', '/api/v1/roster/shifts', shift)).status).toBe(201);

    const week = await call('GET', `/api/v1/roster/shifts?from=${now - 24 * HOUR}&to=${now + 24 * HOUR}`);
    expect(week.status).toBe(200);
    expect(((week.body?.['items'] ?? []) as { personId: string; startsAt: number }[]).map((s) => [s.personId, s.startsAt])).toEqual([
      ['li', ended.startsAt],
      ['wang', current.startsAt],
    ]);
    const live = await call('GET', '/api/v1/roster');
    expect(((live.body?.['shifts'] ?? []) as { personId: string }[]).map((s) => s.personId)).toEqual(['wang', 'li']);
    expect(live.body?.['onDuty']).toBe('wang');
  });

  it('refuses a range that is backwards, too long or missing, naming the field', async () => {
    const backwards = await call('GET', `/api/v1/roster/shifts?from=${now}&to=${now - 1}`);
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toContain('query.to');
    const long = await call('GET', `/api/v1/roster/shifts?from=${now}&to=${now + 40 * 24 * HOUR}`);
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toContain('31 days');
    const missing = await call('GET', '/api/v1/roster/shifts');
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('query.from');
  });
});
