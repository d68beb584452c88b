import { type SiteConfigDto, type SiteRevisionDiff, type SiteRevisionInfo, topics } from '@dutyroom/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher, login } from '../harness/clients.ts';
import { available, waitFor } from '../harness/servers.ts';
import { startTestStack } from '../harness/stack.ts';

/**
 * Buildings, units and public areas edited through the API (楼栋与房屋), and the revision history:
 * diff, restore as a new revision, export of an older revision. docs/api.md §Site data.
 */
const combos = [
  { broker: 'mosquitto', db: 'postgres' },
  { broker: 'mosquitto', db: 'pglite' },
] as const;

type Err = { error: { code: string; message: string; issues?: { path: string; message: string }[] } };

for (const combo of combos) {
  const needs = ['mosquitto', ...(combo.db === 'postgres' ? (['postgres'] as const) : [])] as const;
  const present = await Promise.all(needs.map((n) => available(n)));

  describe.skipIf(present.includes(false))(`site places and history on ${combo.broker} + ${combo.db}`, () => {
    let stack: Awaited<ReturnType<typeof startTestStack>>;
    let admin = '';
    let operator = '';
    const api = async <T>(method: string, path: string, body?: unknown, cookie = admin) => {
      const response = await fetch(`${stack.server.url}${path}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as T, text, headers: response.headers };
    };
    const config = async () => (await api<SiteConfigDto>('GET', '/api/v1/site/config')).body;
    const rows = async <T>(sql: string, params: unknown[] = []) => (await stack.db.query<T>(sql, params)).rows;

    beforeAll(async () => {
      stack = await startTestStack(combo);
      admin = await login(stack.server.url, 'admin');
      operator = await login(stack.server.url, 'operator');
    });
    afterAll(async () => {
      const device = stack ? await devicePublisher(stack.mqttUrl) : undefined;
      await device?.publishAsync(topics.siteRevision(stack.siteId), '', { qos: 1, retain: true });
      await device?.endAsync();
      await stack?.stop();
      await stack?.dropSchema();
    });

    it('adds a villa building and a unit in it (audited); 403 without site:manage, 409 on a stale revision', async () => {
      const { revision } = await config();
      const denied = await api<Err>(
        'PUT',
        '/api/v1/site/config/buildings/v1',
        { expectedRevision: revision, building: { name: '1号别墅', kind: 'villa', floors: 3, grid: 'g2' } },
        operator,
      );
      expect(denied.status).toBe(403);
      const villa = await api<SiteConfigDto>('PUT', '/api/v1/site/config/buildings/v1', {
        expectedRevision: revision,
        building: { name: '1号别墅', kind: 'villa', floors: 3, grid: 'g2' },
      });
      expect(villa.status).toBe(200);
      expect(villa.body.revision).toBe(revision + 1);
      const stale = await api<Err>('PUT', '/api/v1/site/config/units/v1-1', { expectedRevision: revision, unit: { building: 'v1', floor: 1 } });
      expect(stale.status).toBe(409);
      const unit = await api<SiteConfigDto>('PUT', '/api/v1/site/config/units/v1-1', { expectedRevision: revision + 1, unit: { building: 'v1', floor: 1 } });
      expect(unit.status).toBe(200);
      expect(unit.body.document['units']).toContainEqual({
        id: 'v1-1',
        building: 'v1',
        floor: 1,
        keyHeld: false,
        devices: [],
        occupancy: { status: 'vacant' },
      });
      await waitFor(() => stack.ingest.siteRevision === unit.body.revision, 'the ingest on the new revision');
      const audit = await rows<{ action: string; subject_id: string }>(
        `select action, subject_id from audit_log where action in ('site.building.put', 'site.unit.put') order by id`,
      );
      expect(audit).toEqual([
        { action: 'site.building.put', subject_id: 'v1' },
        { action: 'site.unit.put', subject_id: 'v1-1' },
      ]);
    });

    it('names the field of an invalid place (400) and saves nothing', async () => {
      const { revision } = await config();
      const tooHigh = await api<Err>('PUT', '/api/v1/site/config/units/1-1-2001', { expectedRevision: revision, unit: { building: '1', floor: 20 } });
      expect(tooHigh.status).toBe(400);
      expect(tooHigh.body.error.issues).toEqual([{ path: 'body.unit.floor', message: 'building "1" has 10 floors' }]);
      const badKind = await api<Err>('PUT', '/api/v1/site/config/areas/gate-n', {
        expectedRevision: revision,
        area: { name: '北门', kind: 'castle', grid: 'g1' },
      });
      expect(badKind.status).toBe(400);
      expect(badKind.body.error.issues?.map((i) => i.path)).toEqual(['body.area.kind']);
      const noGrid = await api<Err>('PUT', '/api/v1/site/config/areas/gate-n', {
        expectedRevision: revision,
        area: { name: '北门', kind: 'gate', grid: 'g9' },
      });
      expect(noGrid.status).toBe(400);
      expect(noGrid.body.error.issues).toEqual([{ path: 'body.area.grid', message: 'no grid "g9"' }]);
      expect((await config()).revision).toBe(revision);
    });

    it('refuses to remove a unit that devices or open work orders refer to, naming them; removes it once free', async () => {
      const { revision } = await config();
      const withDevices = await api<Err>('DELETE', `/api/v1/site/config/units/1-1-101?expectedRevision=${revision}`);
      expect(withDevices.status).toBe(400);
      expect(withDevices.body.error.issues).toEqual([
        { path: 'params.unitId', message: expect.stringContaining('devices wm-1-1-101, em-1-1-101') as unknown as string },
      ]);
      await stack.db.query(
        `insert into work_orders (site_id, source, title_zh, title_en, unit_id, severity, status, created_at, updated_at)
         values ($1, 'manual', '漏水', 'Leak', 'v1-1', 'P3', 'dispatched', now(), now())`,
        [stack.siteId],
      );
      const withOrder = await api<Err>('DELETE', `/api/v1/site/config/units/v1-1?expectedRevision=${revision}`);
      expect(withOrder.status).toBe(400);
      expect(withOrder.body.error.message).toMatch(/open work orders #\d+/);
      const building = await api<Err>('DELETE', `/api/v1/site/config/buildings/v1?expectedRevision=${revision}`);
      expect(building.status).toBe(400);
      expect(building.body.error.message).toContain('units v1-1');
      expect((await config()).revision).toBe(revision);
      await stack.db.query(`update work_orders set status = 'closed' where unit_id = 'v1-1'`);
      const removed = await api<SiteConfigDto>('DELETE', `/api/v1/site/config/units/v1-1?expectedRevision=${revision}`);
      expect(removed.status).toBe(200);
      expect((removed.body.document['units'] as { id: string }[]).map((u) => u.id)).not.toContain('v1-1');
      const missing = await api<Err>('DELETE', `/api/v1/site/config/areas/nope?expectedRevision=${removed.body.revision}`);
      expect(missing.status).toBe(404);
    });

    it('shows a revision’s diff, restores an older revision as a new one equal to it, exports an older revision', async () => {
      const list = (await api<{ items: SiteRevisionInfo[] }>('GET', '/api/v1/site/config/revisions')).body.items;
      const latest = list[0] as SiteRevisionInfo;
      const diff = await api<SiteRevisionDiff>('GET', `/api/v1/site/config/revisions/${latest.revision}/diff`);
      expect(diff.status).toBe(200);
      expect(diff.body).toMatchObject({ from: latest.revision - 1, to: latest.revision, diff: { units: { removed: ['v1-1'] } } });
      const againstCurrent = await api<SiteRevisionDiff>('GET', '/api/v1/site/config/revisions/1/diff?against=current');
      expect(againstCurrent.body).toMatchObject({ from: latest.revision, to: 1, diff: { buildings: { removed: ['v1'] } } });
      expect((await api<Err>('GET', '/api/v1/site/config/revisions/999/diff')).status).toBe(404);

      const denied = await api<Err>('POST', '/api/v1/site/config/revisions/1/restore', { expectedRevision: latest.revision }, operator);
      expect(denied.status).toBe(403);
      const stale = await api<Err>('POST', '/api/v1/site/config/revisions/1/restore', { expectedRevision: latest.revision - 1 });
      expect(stale.status).toBe(409);
      const restored = await api<SiteConfigDto>('POST', '/api/v1/site/config/revisions/1/restore', { expectedRevision: latest.revision });
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ revision: latest.revision + 1, comment: 'restored revision 1' });
      const first = await stack.db.query<{ document: unknown }>(`select document from site_revisions where site_id = $1 and revision = 1`, [stack.siteId]);
      const doc = (d: unknown) => (typeof d === 'string' ? JSON.parse(d) : d);
      expect(restored.body.document).toEqual(doc(first.rows[0]?.document));
      expect((await api<{ items: SiteRevisionInfo[] }>('GET', '/api/v1/site/config/revisions')).body.items).toHaveLength(list.length + 1);
      expect(await rows(`select action from audit_log where action = 'site.restore'`)).toHaveLength(1);

      const older = await api<string>('GET', `/api/v1/site/config/export?format=json&revision=${latest.revision}`);
      expect(older.status).toBe(200);
      expect(older.headers.get('x-site-revision')).toBe(String(latest.revision));
      expect(JSON.parse(older.text).buildings.map((b: { id: string }) => b.id)).toContain('v1');
    });
  });
}
