import { configSchema, type SiteFile } from '@dutyroom/domain';
import { type Stack, startStack } from '@dutyroom/launcher';
import { createLogger, parseSiteFile } from '@dutyroom/platform';
import pg from 'pg';
import { servers, uniqueName } from './servers.ts';

/** A small site of its own per test, so tests sharing Mosquitto never see each other's topics. */
export function testSite(siteId: string): SiteFile {
  return parseSiteFile(`
site: { id: ${siteId}, name: 测试小区 }
people:
  - { id: wang, name: 王管家, role: steward, phone: "13800000001" }
  - { id: li, name: 李管家, role: steward }
grids:
  - { id: g1, name: 一网格, steward: wang }
  - { id: g2, name: 二网格, steward: li }
buildings:
  - { id: "1", name: 1栋, kind: high-rise, floors: 10, grid: g1 }
  - { id: "2", name: 2栋, kind: high-rise, floors: 10, grid: g2 }
units:
  - id: 1-1-101
    building: "1"
    floor: 1
    occupancy: vacant
    keyHeld: false
    devices: [{ id: wm-1-1-101, kind: water-meter }, { id: em-1-1-101, kind: electricity-meter }]
  - id: 1-1-102
    building: "1"
    floor: 1
    occupancy: occupied
    devices: [{ id: wm-1-1-102, kind: water-meter }]
  - id: 2-1-101
    building: "2"
    floor: 1
    occupancy: { status: custody, since: "2026-01-01" }
    keyHeld: true
    devices: [{ id: wm-2-1-101, kind: water-meter, pulseFactor: 10, hasValve: true }]
`);
}

export interface TestStackOptions {
  readonly broker: 'aedes' | 'mosquitto';
  readonly db: 'pglite' | 'postgres';
  readonly consoleDir?: string;
}

/** The real product (launcher's stack) on ephemeral ports, its own site, schema and client ids. */
export async function startTestStack(options: TestStackOptions): Promise<Stack & { site: SiteFile; siteId: string; dropSchema(): Promise<void> }> {
  const siteId = uniqueName('t').replace(/_/g, '-');
  const schema = uniqueName('dutyroom_test');
  const site = testSite(siteId);
  const config = configSchema.parse({
    http: { host: '127.0.0.1', port: 0 },
    mqtt: options.broker === 'mosquitto' ? { url: servers.mosquitto.url } : { embeddedPort: 0 },
    database: options.db === 'postgres' ? { url: servers.postgres.url, schema } : {},
    ingest: { clientId: `${siteId}-ingest` },
    server: { clientId: `${siteId}-server` },
    demo: true,
    logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
  });
  const stack = await startStack({ config, site, log: createLogger(config.logLevel), consoleDir: options.consoleDir, inMemoryDb: true });
  return {
    ...stack,
    site,
    siteId,
    async dropSchema() {
      if (options.db !== 'postgres') return;
      const client = new pg.Client({ connectionString: servers.postgres.url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}
