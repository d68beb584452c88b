import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SiteConfigDto, type SiteImportResult, topics } from '@dutyroom/domain';
import { siteToYaml } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSiteCommand } from '../../server/src/cli/import-site.ts';
import { devicePublisher, login } from '../harness/clients.ts';
import { available, waitFor } from '../harness/servers.ts';
import { startTestStack } from '../harness/stack.ts';

/**
 * The site document edited through the API (SPEC §3, §8): revisions with optimistic concurrency,
 * permission, field-named errors, audit, import (dry run, then apply) and export, and the live
 * effect: a device added in the console is decoded by the running ingest after the swap.
 */
const combos = [
  { broker: 'mosquitto', db: 'postgres' },
  { broker: 'mosquitto', db: 'pglite' },
] as const;

type Err = { error: { code: string; message: string; issues?: { path: string; message: string }[] } };

for (const combo of combos) {
  const needs = ['mosquitto', ...(combo.db === 'postgres' ? (['postgres'] as const) : [])] as const;
  const present = await Promise.all(needs.map((n) => available(n)));

  describe.skipIf(present.includes(false))(`site document on ${combo.broker} + ${combo.db}`, () => {
    let stack: Awaited<ReturnType<typeof startTestStack>>;
    let device: MqttClient;
    let admin = '';
    let operator = '';
    const api = async <T>(method: string, path: string, body?: unknown, cookie = admin) => {
      const response = await fetch(`${stack.server.url}${path}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as T, text };
    };
    const config = async () => (await api<SiteConfigDto>('GET', '/api/v1/site/config')).body;
    const rows = async <T>(sql: string, params: unknown[] = []) => (await stack.db.query<T>(sql, params)).rows;

    beforeAll(async () => {
      stack = await startTestStack(combo);
      device = await devicePublisher(stack.mqttUrl);
      admin = await login(stack.server.url, 'admin');
      operator = await login(stack.server.url, 'operator');
    });
    afterAll(async () => {
      await device?.publishAsync(topics.siteRevision(stack.siteId), '', { qos: 1, retain: true });
      for (const { id } of stack ? await rows<{ id: string }>('select id::text as id from anomalies') : [])
        await device?.publishAsync(topics.anomaly(stack.siteId, id), '', { qos: 1, retain: true });
      await device?.endAsync();
      await stack?.stop();
      await stack?.dropSchema();
    });

    it('seeds revision 1 from the site file and serves it', async () => {
      const current = await config();
      expect(current).toMatchObject({ revision: 1, author: 'site-file' });
      expect(current.document).toEqual(JSON.parse(JSON.stringify(stack.site)));
      expect(stack.ingest.siteRevision).toBe(1);
    });

    it('refuses a role without site:manage (403) and an edit on a stale revision (409), changing nothing', async () => {
      const edit = { expectedRevision: 1, site: { thresholdLitres: 30 }, byUnitType: {} };
      const denied = await api<Err>('PUT', '/api/v1/site/config/rules/vacant-unit-water', edit, operator);
      expect(denied.status).toBe(403);
      const first = await api<SiteConfigDto>('PUT', '/api/v1/site/config/rules/vacant-unit-water', { ...edit, comment: '空置房阈值' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ revision: 2, author: 'admin', comment: '空置房阈值' });
      const stale = await api<Err>('PUT', '/api/v1/site/config/rules/vacant-unit-water', { ...edit, site: { thresholdLitres: 50 } });
      expect(stale.status).toBe(409);
      expect(stale.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('revision 1') });
      expect((await config()).document['rules']).toEqual({ 'vacant-unit-water': { thresholdLitres: 30 } });
      const audit = await rows<{ action: string; actor: string }>(`select action, actor from audit_log where subject_type = 'rule' order by id`);
      expect(audit).toEqual([{ action: 'site.rule.put', actor: 'admin' }]);
    });

    it('names the field of every invalid edit (400) and saves nothing', async () => {
      const { revision } = await config();
      const rule = await api<Err>('PUT', '/api/v1/site/config/rules/vacant-unit-water', {
        expectedRevision: revision,
        site: { thresholdLitres: -1 },
        byUnitType: { shop: { thresholdLitres: 'many' } },
      });
      expect(rule.status).toBe(400);
      expect(rule.body.error.issues?.map((i) => i.path)).toEqual(['body.site.thresholdLitres', 'body.byUnitType.shop.thresholdLitres']);
      const gateway = await api<Err>('PUT', '/api/v1/site/config/devices/em-x', {
        expectedRevision: revision,
        holder: { type: 'unit', id: '1-1-102' },
        device: { id: 'em-x', kind: 'electricity-meter', gateway: 'no-such-gateway' },
      });
      expect(gateway.status).toBe(400);
      expect(gateway.body.error.issues).toEqual([{ path: 'body.device.gateway', message: 'no gateway device "no-such-gateway"' }]);
      const unknownUnit = await api<Err>('PATCH', '/api/v1/site/config/units/9-9-999', { expectedRevision: revision, keyHeld: true });
      expect(unknownUnit.status).toBe(404);
      expect((await config()).revision).toBe(revision);
    });

    it('edits grids, unit facts and people; two edits of the same revision at once: one saved, one 409', async () => {
      let { revision } = await config();
      const facts = await api<Err>('PATCH', '/api/v1/site/config/units/1-1-102', { expectedRevision: revision, owner: { name: '陈', phone: 'call me' } });
      expect(facts.status).toBe(400);
      expect(facts.body.error.issues?.map((i) => i.path)).toEqual(['body.owner.phone']);
      const owner = await api<SiteConfigDto>('PATCH', '/api/v1/site/config/units/1-1-102', {
        expectedRevision: revision,
        keyHeld: true,
        owner: { name: '陈', phone: '13900001111', contactHours: '18:00-21:00' },
      });
      expect(owner.status).toBe(200);
      revision = owner.body.revision;
      const grid = await api<SiteConfigDto>('PUT', '/api/v1/site/config/grids/g3', {
        expectedRevision: revision,
        grid: { name: '三网格', steward: 'li' },
        units: ['1-1-102'],
      });
      expect(grid.status).toBe(200);
      revision = grid.body.revision;
      const stewardGone = await api<Err>('DELETE', `/api/v1/site/config/people/li?expectedRevision=${revision}`);
      expect(stewardGone.status).toBe(400);
      expect(stewardGone.body.error.issues?.map((i) => i.path)).toEqual(['document.grids.1.steward', 'document.grids.2.steward']);
      const units = await rows<{ grid_id: string; key_held: boolean }>(`select grid_id, key_held from units where id = '1-1-102'`);
      expect(units).toEqual([{ grid_id: 'g3', key_held: true }]);

      const edit = (name: string) => api<Err>('PUT', '/api/v1/site/config/people/zhou', { expectedRevision: revision, person: { name, role: 'maintenance' } });
      const both = await Promise.all([edit('周一'), edit('周二')]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await config()).revision).toBe(revision + 1);
    });

    it('a device added in the console is decoded by the running ingest after the swap', async () => {
      const reading = (total: number, ts: number) =>
        device.publishAsync(topics.deviceMessage(stack.siteId, 'wm-extra-1-1-101', 'reading'), JSON.stringify({ ts, total }), { qos: 1 });
      const t0 = Date.now() - 10 * 60_000;
      await reading(5, t0);
      await waitFor(
        async () => (await rows(`select 1 from dead_letters where topic like $1 and reason = 'unknown-device'`, [`%/wm-extra-1-1-101/%`])).length > 0,
        'the unknown device dead-lettered',
      );

      const { revision } = await config();
      const added = await api<SiteConfigDto>('PUT', '/api/v1/site/config/devices/wm-extra-1-1-101', {
        expectedRevision: revision,
        holder: { type: 'unit', id: '1-1-101' },
        device: { id: 'wm-extra-1-1-101', kind: 'water-meter' },
      });
      expect(added.status).toBe(200);
      await waitFor(() => stack.ingest.siteRevision === added.body.revision, 'the ingest on the new revision');
      // 1-1-101 is vacant and the site's threshold is 30 L now: 40 L raises vacant-unit-water for the new meter.
      await reading(5, t0 + 60_000);
      await reading(5.04, t0 + 120_000);
      const [anomaly] = await waitFor(async () => {
        const found = await rows<{ device_id: string; rule: string }>(`select device_id, rule from anomalies where device_id = 'wm-extra-1-1-101'`);
        return found.length > 0 && found;
      }, 'the new meter’s anomaly');
      expect(anomaly).toEqual({ device_id: 'wm-extra-1-1-101', rule: 'vacant-unit-water' });
      const setup = await api<{ devices: { id: string }[] }>('GET', '/api/v1/site/setup');
      expect(setup.body.devices.map((d) => d.id)).toContain('wm-extra-1-1-101');
    });

    it('a device of an ecosystem the site did not use: the ingest subscribes its topics after the swap', async () => {
      const before = await config();
      const base = `z2m-${stack.siteId}`;
      const site = structuredClone(before.document) as typeof stack.site;
      site.sources = { ...site.sources, zigbee2mqtt: { baseTopics: [base] } };
      const unit = site.units.find((u) => u.id === '2-1-101');
      if (unit === undefined) throw new Error('test site changed');
      unit.devices.push({ id: 'leak-2-1-101', kind: 'leak-sensor', source: { ecosystem: 'zigbee2mqtt', address: 'kitchen_leak' } });
      const applied = await api<SiteImportResult>('POST', '/api/v1/site/config/import', {
        expectedRevision: before.revision,
        format: 'yaml',
        text: siteToYaml(site),
        dryRun: false,
      });
      expect(applied.body).toMatchObject({ applied: true, diff: { devices: { added: ['leak-2-1-101'] }, settingsChanged: true } });
      await waitFor(() => stack.ingest.siteRevision === applied.body.revision, 'the ingest on the new revision');
      await device.publishAsync(`${base}/kitchen_leak`, JSON.stringify({ water_leak: true, battery: 90 }), { qos: 1 });
      const [found] = await waitFor(async () => {
        const rows2 = await rows<{ rule: string; device_id: string }>(`select rule, device_id from anomalies where device_id = 'leak-2-1-101'`);
        return rows2.length > 0 && rows2;
      }, 'the leak from the new Zigbee sensor');
      expect(found).toEqual({ rule: 'leak', device_id: 'leak-2-1-101' });
    });

    it('imports a file: the dry run shows the diff and changes nothing; applying saves the next revision', async () => {
      const before = await config();
      const edited = structuredClone(before.document) as { units: { id: string; keyHeld: boolean; devices: { id: string }[] }[]; grids: unknown[] };
      const unit = edited.units.find((u) => u.id === '1-1-102');
      if (unit === undefined) throw new Error('test site changed');
      unit.keyHeld = !unit.keyHeld;
      unit.devices = [];
      const body = { expectedRevision: before.revision, format: 'json', text: JSON.stringify(edited), comment: '导入' };
      const dry = await api<SiteImportResult>('POST', '/api/v1/site/config/import', { ...body, dryRun: true });
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ applied: false, revision: before.revision });
      expect(dry.body.diff.units).toEqual({ added: [], changed: ['1-1-102'], removed: [] });
      expect(dry.body.diff.devices).toEqual({ added: [], changed: [], removed: ['wm-1-1-102'] });
      expect((await config()).revision).toBe(before.revision);

      const bad = await api<Err>('POST', '/api/v1/site/config/import', { ...body, text: 'site: { id: x }\npeople: []\n', format: 'yaml', dryRun: true });
      expect(bad.status).toBe(400);
      expect(bad.body.error.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['file.site.name', 'file.people']));

      const applied = await api<SiteImportResult>('POST', '/api/v1/site/config/import', { ...body, dryRun: false });
      expect(applied.body).toMatchObject({ applied: true, revision: before.revision + 1 });
      expect((await config()).revision).toBe(before.revision + 1);
    });

    it('export → import round-trips: YAML and JSON give the same document and no change', async () => {
      const current = await config();
      const yaml = await api<string>('GET', '/api/v1/site/config/export?format=yaml');
      expect(yaml.status).toBe(200);
      expect(yaml.text).toBe(siteToYaml(current.document as never));
      for (const [format, text] of [
        ['yaml', yaml.text],
        ['json', (await api<string>('GET', '/api/v1/site/config/export?format=json')).text],
      ] as const) {
        const again = await api<SiteImportResult>('POST', '/api/v1/site/config/import', { expectedRevision: current.revision, format, text, dryRun: false });
        expect(again.body.applied).toBe(false);
        expect(
          Object.values(again.body.diff).every((d) => d === false || (typeof d === 'object' && d.added.length + d.changed.length + d.removed.length === 0)),
        ).toBe(true);
      }
      expect((await config()).revision).toBe(current.revision);
      const revisions = await api<{ items: { revision: number }[] }>('GET', '/api/v1/site/config/revisions', undefined, operator);
      expect(revisions.body.items[0]?.revision).toBe(current.revision);
    });

    it('npm run admin -- import-site: a changed file replaces the document; the running server and ingest follow', async () => {
      const current = await config();
      const file = join(tmpdir(), `${stack.siteId}-site.yaml`);
      await writeFile(file, siteToYaml({ ...(current.document as never as typeof stack.site), site: { ...stack.site.site, name: '改名小区' } }));
      const printed: string[] = [];
      const io = { db: stack.db, mqtt: { url: stack.mqttUrl }, print: (line: string) => printed.push(line), now: Date.now };
      await importSiteCommand([file, '--dry-run'], io);
      expect(printed).toEqual(['  settings changed', 'dry run: nothing changed']);
      expect((await config()).revision).toBe(current.revision);
      await importSiteCommand([file, '--comment', '物业改名'], io);
      await waitFor(async () => (await api<{ name: string }>('GET', '/api/v1/site/map')).body.name === '改名小区', 'the server on the imported revision');
      await waitFor(() => stack.ingest.siteRevision === current.revision + 1, 'the ingest on the imported revision');
      expect(await config()).toMatchObject({ revision: current.revision + 1, author: 'cli', comment: '物业改名' });
    });
  });
}
