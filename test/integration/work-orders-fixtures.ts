import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, dispatchPolicyFor, type Severity, type SiteFile } from '@dutyroom/domain';
import { type EmbeddedBroker, startEmbeddedBroker } from '@dutyroom/launcher';
import { createLogger, type Db, migrate, openPglite, openPostgres, parseSiteFile } from '@dutyroom/platform';
import { hashPassword, type RunningServer, startServer } from '@dutyroom/server';
import pg from 'pg';
import { login } from '../harness/clients.ts';
import { servers, uniqueName } from '../harness/servers.ts';

/** 2026-03-10 10:00 in Shanghai: a weekday morning, callable hours. */
export const T0 = Date.parse('2026-03-10T10:00:00+08:00');
export const MINUTE = 60_000;

/** A rule's default hold before its order opens (docs/work-orders.md §Dispatch; pinned by domain's dispatch.test.ts). */
export function holdMs(rule: string, severity: Severity): number {
  const policy = dispatchPolicyFor(rule, severity);
  if (policy.mode !== 'hold') throw new Error(`${rule} is not held but ${policy.mode}`);
  return policy.ms;
}
/** vacant-unit-water, the fixtures' default anomaly: P2, held 20 s. */
export const P2_HOLD = holdMs('vacant-unit-water', 'P2');

/** A site with every role the escalation chain and the departments need. */
export function workOrdersSite(siteId: string): SiteFile {
  return parseSiteFile(`
site: { id: ${siteId}, name: 测试小区 }
people:
  - { id: wang, name: 王管家, role: steward }
  - { id: li, name: 李管家, role: steward }
  - { id: zhao, name: 赵值班, role: steward }
  - { id: chen, name: 陈工, role: maintenance }
  - { id: ma, name: 马保安, role: security }
  - { id: sun, name: 孙主管, role: supervisor, department: customer-service }
  - { id: zhou, name: 周经理, role: manager }
grids:
  - { id: g1, name: 一网格, steward: wang }
  - { id: g2, name: 二网格, steward: li }
onDuty: zhao
buildings:
  - { id: "1", name: 1栋, kind: high-rise, floors: 10, grid: g1 }
  - { id: "2", name: 2栋, kind: high-rise, floors: 10, grid: g2 }
units:
  - id: 1-1-101
    building: "1"
    floor: 1
    occupancy: vacant
    keyHeld: false
    owner: { name: 刘女士, phone: "13800000001" }
    devices: [{ id: wm-1-1-101, kind: water-meter }]
  - id: 1-1-102
    building: "1"
    floor: 1
    occupancy: occupied
    owner: { name: 黄先生, phone: "13800000002" }
    devices: [{ id: wm-1-1-102, kind: water-meter }]
  - id: 2-1-101
    building: "2"
    floor: 1
    occupancy: { status: custody, since: "2026-01-01" }
    keyHeld: true
    devices: [{ id: wm-2-1-101, kind: water-meter, hasValve: true }]
`);
}

export type DbKind = 'pglite' | 'postgres';

/** A database of the test's own (in-memory PGlite, or a fresh PostgreSQL schema), migrated. */
export async function testDatabase(kind: DbKind): Promise<{ db: Db; openAnother(): Promise<Db>; drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openPglite(undefined);
    await migrate(db);
    return { db, openAnother: async () => db, drop: () => db.close() };
  }
  const schema = uniqueName('dutyroom_wo');
  const db = await openPostgres(servers.postgres.url, schema);
  await migrate(db);
  const others: Db[] = [];
  return {
    db,
    // A second pool: another server process's own connections to the same database.
    openAnother: async () => {
      const other = await openPostgres(servers.postgres.url, schema);
      others.push(other);
      return other;
    },
    async drop() {
      for (const o of others) await o.close();
      await db.close();
      const client = new pg.Client({ connectionString: servers.postgres.url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

export interface Clock {
  now: number;
  advance(ms: number): void;
}

export function testClock(start = T0): Clock {
  return {
    now: start,
    advance(ms) {
      this.now += ms;
    },
  };
}

/** A server on ephemeral ports, its clock in the test's hand, the SLA timer effectively off (tests call tick()). */
export async function startWorkOrdersServer(opts: {
  db: Db;
  site: SiteFile;
  clock: Clock;
  broker: EmbeddedBroker;
  dataDir: string;
  name: string;
}): Promise<RunningServer> {
  const config = configSchema.parse({
    http: { host: '127.0.0.1', port: 0 },
    server: { clientId: `${opts.site.site.id}-${opts.name}` },
    dataDir: opts.dataDir,
    demo: true,
    logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
  });
  return startServer({
    config,
    db: opts.db,
    site: opts.site,
    mqttUrl: opts.broker.url,
    log: createLogger(config.logLevel),
    now: () => opts.clock.now,
    sweepEveryMs: 3_600_000,
    slaTickEveryMs: 3_600_000,
  });
}

export interface Fixture {
  readonly siteId: string;
  readonly site: SiteFile;
  readonly db: Db;
  readonly clock: Clock;
  readonly broker: EmbeddedBroker;
  readonly dataDir: string;
  server: RunningServer;
  cookie: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  openAnother(): Promise<Db>;
  close(): Promise<void>;
}

export async function startFixture(kind: DbKind): Promise<Fixture> {
  const siteId = uniqueName('wo').replace(/_/g, '-');
  const site = workOrdersSite(siteId);
  const clock = testClock();
  const database = await testDatabase(kind);
  const broker = await startEmbeddedBroker('127.0.0.1', 0);
  const dataDir = await mkdtemp(join(tmpdir(), 'dutyroom-wo-'));
  const server = await startWorkOrdersServer({ db: database.db, site, clock, broker, dataDir, name: 'a' });
  const fixture: Fixture = {
    siteId,
    site,
    db: database.db,
    clock,
    broker,
    dataDir,
    server,
    cookie: await login(server.url),
    async api<T>(method: string, path: string, body?: unknown) {
      const send = () =>
        fetch(`${this.server.url}${path}`, {
          method,
          headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      let response = await send();
      if (response.status === 401) {
        // The test clock moved past the 12-hour session: log in again, as a person would.
        this.cookie = await login(this.server.url);
        response = await send();
      }
      const text = await response.text();
      return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
    },
    openAnother: () => database.openAnother(),
    async close() {
      await this.server.stop();
      await broker.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** An anomaly as the ingest stores it (the server reads it back by id). */
export async function insertAnomaly(
  db: Db,
  siteId: string,
  o: { rule?: string; unitId?: string; severity?: string; at: number; count?: number },
): Promise<string> {
  const rule = o.rule ?? 'vacant-unit-water';
  const unitId = o.unitId ?? '1-1-101';
  const { rows } = await db.query<{ id: string }>(
    `insert into anomalies (site_id, rule, subject, dedup_key, status, severity, unit_id, device_id, opened_at, last_seen_at, reading_ts, count, evidence)
     values ($1, $2, $3, $4, 'open', $5, $3, null, to_timestamp($6 / 1000.0), to_timestamp($6 / 1000.0), to_timestamp($6 / 1000.0), $7, '{}') returning id::text as id`,
    [siteId, rule, unitId, `${siteId}:${rule}:${unitId}:${o.at}`, o.severity ?? 'P2', o.at, o.count ?? 1],
  );
  return rows[0]?.id ?? '';
}

export async function addUser(db: Db, siteId: string, username: string, role: string): Promise<void> {
  await db.query(`insert into users (username, display_name, role, site_id, password_hash) values ($1, $1, $2, $3, $4) on conflict (username) do nothing`, [
    username,
    role,
    siteId,
    await hashPassword('pw-for-tests'),
  ]);
}
