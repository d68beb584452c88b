import type { AnomalyDto } from '@dutyroom/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleSocket, consoleSocket, login } from '../harness/clients.ts';
import { insertIncident, publishAnomalies } from '../harness/incidents.ts';
import { available, waitFor } from '../harness/servers.ts';
import { addUser, type DbKind, type Fixture, insertAnomaly, MINUTE, startFixture, T0 } from './work-orders-fixtures.ts';

type Err = { error: { code: string; message: string; issues?: { path: string; message: string }[] } };
type Members = { items: AnomalyDto[]; total: number };
type Split = { anomaly: AnomalyDto };

/** The two incident routes (issue 14): an incident's members, and splitting one out into its own work order. */
for (const kind of ['pglite', 'postgres'] as DbKind[]) {
  const present = kind === 'pglite' || (await available('postgres'));

  describe.skipIf(!present)(`incident routes on ${kind}`, () => {
    let f: Fixture;
    let socket: ConsoleSocket;
    let incidentId: string;
    let memberIds: string[];

    beforeAll(async () => {
      f = await startFixture(kind);
      socket = await consoleSocket(f.server.url, f.cookie);
      // Twelve counters of building 1 went backwards in the same second: one incident.
      ({ incidentId, memberIds } = await insertIncident(f.db, {
        siteId: f.siteId,
        memberRule: 'counter-backwards',
        scope: 'building:1',
        cause: 'mass',
        severity: 'P3',
        members: Array.from({ length: 12 }, (_, i) => ({ unitId: '1-1-101', deviceId: `wm-mass-${i}`, at: T0 + i * 1000 })),
      }));
    });
    afterAll(async () => {
      socket?.disconnect();
      await f?.close();
    });

    const split = (id: string, body: unknown = {}) => f.api<Split & Err>('POST', `/api/v1/anomalies/${id}/split`, body);

    it('lists the members of an incident, newest first, with the total', async () => {
      const { status, body } = await f.api<Members>('GET', `/api/v1/anomalies/${incidentId}/members`);
      expect(status).toBe(200);
      expect(body.total).toBe(12);
      expect(body.items.map((a) => a.id)).toEqual([...memberIds].reverse());
      expect(body.items.every((a) => a.incidentId === incidentId && a.splitAt === null && a.rule === 'counter-backwards')).toBe(true);
    });

    it('answers 404 for an unknown anomaly, 409 for one that is not an incident, 400 for a malformed id', async () => {
      const unknown = await f.api<Err>('GET', '/api/v1/anomalies/987654321/members');
      expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
      const member = await f.api<Err>('GET', `/api/v1/anomalies/${memberIds[0]}/members`);
      expect([member.status, member.body.error.code]).toEqual([409, 'NOT_AN_INCIDENT']);
      const malformed = await f.api<Err>('GET', '/api/v1/anomalies/abc/members');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.issues?.map((i) => i.path)).toEqual(['params.id']);
    });

    it('relays the ingest’s incident event to the console like any anomaly', async () => {
      await publishAnomalies(f.broker.url, f.db, f.siteId, [incidentId]);
      await waitFor(() => socket.anomalies.some((a) => a.id === incidentId && a.evidence['members'] === 12), 'the incident on the console socket');
    });

    it('refuses a malformed body with the field named', async () => {
      const wrongType = await split(memberIds[0] ?? '', { reason: 42 });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body.error.issues?.map((i) => i.path)).toEqual(['body.reason']);
      const extra = await split(memberIds[0] ?? '', { reason: 'x', why: 'y' });
      expect(extra.status).toBe(400);
      const tooLong = await split(memberIds[0] ?? '', { reason: 'x'.repeat(501) });
      expect(tooLong.body.error.issues?.map((i) => i.path)).toEqual(['body.reason']);
    });

    it('splits a member out: split_at, audit with the reason, the incident’s split count, the console told, its own order', async () => {
      const id = memberIds[3] ?? '';
      const before = (await f.api<Members>('GET', `/api/v1/anomalies/${incidentId}/members`)).body.items.find((a) => a.id === id);
      f.clock.advance(MINUTE);
      const { status, body } = await split(id, { reason: '这户确有漏水，单独派单' });
      expect(status).toBe(200);
      expect(body.anomaly.id).toBe(id);
      expect(body.anomaly.incidentId).toBe(incidentId);
      expect(body.anomaly.splitAt).toBe(f.clock.now);
      expect(body.anomaly.version).toBe((before?.version ?? 0) + 1);

      const audit = await f.db.query<{ actor: string; action: string; detail: Record<string, unknown> }>(
        `select actor, action, detail from audit_log where subject_type = 'anomaly' and subject_id = $1`,
        [id],
      );
      expect(audit.rows).toEqual([
        { actor: 'operator', action: 'anomaly.split', detail: { siteId: f.siteId, incidentId, rule: 'counter-backwards', reason: '这户确有漏水，单独派单' } },
      ]);
      const incident = await f.db.query<{ evidence: Record<string, unknown> }>('select evidence from anomalies where id = $1', [incidentId]);
      expect(incident.rows[0]?.evidence).toMatchObject({ split: 1, members: 12, open: 12 });

      await waitFor(() => socket.anomalies.some((a) => a.id === id && a.splitAt !== null), 'the split member on the console socket');
      await waitFor(() => socket.anomalies.some((a) => a.id === incidentId && a.evidence['split'] === 1), 'the incident’s split count on the console socket');
      const orders = await f.db.query<{ n: number }>('select count(*)::int as n from work_orders where anomaly_id = $1', [id]);
      expect(orders.rows[0]?.n).toBe(1);
    });

    it('refuses a second split, a non-member, the incident itself and a member of a cleared incident (409)', async () => {
      const again = await split(memberIds[3] ?? '');
      expect([again.status, again.body.error.code]).toEqual([409, 'INCIDENT_ALREADY_SPLIT']);
      const alone = await insertAnomaly(f.db, f.siteId, { unitId: '1-1-102', at: T0 });
      const standalone = await split(alone);
      expect([standalone.status, standalone.body.error.code]).toEqual([409, 'INCIDENT_NOT_MEMBER']);
      const itself = await split(incidentId);
      expect([itself.status, itself.body.error.code]).toEqual([409, 'INCIDENT_NOT_MEMBER']);
      const unknown = await split('987654321');
      expect(unknown.status).toBe(404);

      const cleared = await insertIncident(f.db, {
        siteId: f.siteId,
        memberRule: 'device-offline',
        scope: 'gateway:gw-1',
        cause: 'gateway',
        severity: 'P3',
        status: 'cleared',
        members: [{ unitId: null, deviceId: 'wm-gw-0', at: T0, status: 'cleared' }],
      });
      const late = await split(cleared.memberIds[0] ?? '');
      expect([late.status, late.body.error.code]).toEqual([409, 'INCIDENT_NOT_MEMBER']);
      const noAudit = await f.db.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'anomaly.split'`);
      expect(noAudit.rows[0]?.n).toBe(1);
    });

    it('lets only those who may dispatch split a member; a steward may not, nor read the card of the whole site', async () => {
      await addUser(f.db, f.siteId, 'steward-wang', 'steward');
      const cookie = await login(f.server.url, 'steward-wang', 'pw-for-tests');
      const asSteward = (method: string, path: string, body?: unknown) =>
        fetch(`${f.server.url}${path}`, {
          method,
          headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      expect((await asSteward('POST', `/api/v1/anomalies/${memberIds[5]}/split`, {})).status).toBe(403);
      expect((await asSteward('GET', `/api/v1/anomalies/${incidentId}/members`)).status).toBe(403);
      const member = await f.db.query<{ split: boolean }>('select split_at is not null as split from anomalies where id = $1', [memberIds[5]]);
      expect(member.rows[0]?.split).toBe(false);
    });
  });
}
