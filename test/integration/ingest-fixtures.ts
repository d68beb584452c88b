import {
  type AnyDetector,
  createMessageDecoder,
  type DecodeInput,
  type DecodeResult,
  type Detector,
  type DeviceLookup,
  type IncidentPolicy,
  indexSite,
  type Normalizer,
  normalizers,
  type Reading,
  type ReadingBody,
  reject,
  type SiteFile,
} from '@dutyroom/domain';
import {
  type AnomalyChange,
  createAnomalyStore,
  createConfigResolver,
  createDeadLetterSink,
  createIncidentStore,
  createIngestMetrics,
  createPgTelemetrySink,
  createPipeline,
  createStateStore,
  type IngestMetrics,
  type Pipeline,
} from '@dutyroom/ingest';
import { createLogger, type Db, openDatabase, parseSiteFile } from '@dutyroom/platform';
import pg from 'pg';
import { z } from 'zod';
import { servers, uniqueName } from '../harness/servers.ts';

/**
 * Fixtures for the ingest's own integration tests: a site with a gateway and children, a tiny
 * ecosystem whose payload IS a reading (so a test can send any reading kind), and small detectors
 * for each timing behaviour. The real decoder registry and detectors are exercised elsewhere.
 */
export const MIN = 60_000;

export function ingestTestSite(siteId: string): SiteFile {
  return parseSiteFile(`
site: { id: ${siteId}, name: 测试小区 }
people: [{ id: wang, name: 王管家, role: steward }]
grids: [{ id: g1, name: 一网格, steward: wang }]
buildings:
  - id: "1"
    name: 1栋
    kind: high-rise
    floors: 10
    grid: g1
    devices:
      - { id: gw-1, kind: gateway }
      - { id: sd-1, kind: smoke-detector, gateway: gw-1, zone: z1 }
units:
  - id: 1-1-101
    building: "1"
    floor: 1
    occupancy: vacant
    devices:
      - { id: wm-101, kind: water-meter, gateway: gw-1 }
      - { id: ls-101, kind: leak-sensor, gateway: gw-1 }
      - { id: ls-101b, kind: leak-sensor, gateway: gw-1 }
  - id: 1-1-102
    building: "1"
    floor: 1
    occupancy: occupied
    devices:
      - { id: wm-102, kind: water-meter, gateway: gw-1 }
`);
}

/** Topic `t/<site>/<device>`; payload `{ts, seq?, drill?, ...body}` where body is a ReadingBody. */
export const testTopic = (siteId: string, deviceId: string) => `t/${siteId}/${deviceId}`;

const payloadSchema = z.looseObject({ ts: z.number(), seq: z.number().optional(), drill: z.boolean().optional(), kind: z.string() });

export const testNormalizer: Normalizer = {
  id: 'test',
  forSite: ({ siteId }) => ({
    filters: [`t/${siteId}/+`],
    claims: (topic) => topic.startsWith(`t/${siteId}/`),
    decode: (input, devices) => decodeTest(input, devices),
  }),
};

function decodeTest({ topic, payload, receivedAt }: DecodeInput, devices: DeviceLookup): DecodeResult {
  const device = devices.byId(topic.split('/')[2] ?? '');
  if (device === undefined) return { readings: [], rejections: [reject('unknown-device', topic).rejection] };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'), (_k, v) => (v === 'NaN' ? Number.NaN : v));
  } catch (error) {
    return { readings: [], rejections: [reject('malformed-json', (error as Error).message).rejection] };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return { readings: [], rejections: [reject('schema', parsed.error.message).rejection] };
  const { ts, seq, drill, ...body } = parsed.data;
  const reading = {
    ...(body as unknown as ReadingBody),
    siteId: device.siteId,
    deviceId: device.device.id,
    ts: ts > receivedAt + 5 * MIN ? receivedAt : ts,
    deviceTs: ts,
    receivedAt,
    drill: drill ?? false,
    idempotencyKey: `${device.siteId}/${device.device.id}/${ts}/${seq ?? ''}/${body.kind}`,
  } as Reading;
  return { readings: [reading], rejections: [] };
}

const noConfig = z.strictObject({});

/** 漏水: raise while wet, clear when dry (the order stays with people); subject is the unit. */
export const testLeak: Detector<Record<string, never>, { wet: boolean }> = {
  id: 'leak',
  version: 1,
  rules: ['leak'],
  appliesTo: ['leak'],
  configSchema: noConfig,
  initialState: () => ({ wet: false }),
  onReading(state, reading, { device }) {
    if (reading.kind !== 'leak') return [];
    const subject = device.unit?.id ?? device.device.id;
    state.wet = reading.wet;
    return reading.wet
      ? [{ type: 'raise', rule: 'leak', subject, severity: 'P2', evidence: { device: device.device.id } }]
      : [{ type: 'clear', rule: 'leak', subject, closesWorkOrder: false }];
  },
};

/** 火警: a fire alarm raises P1 per zone. */
export const testFire: Detector<Record<string, never>, Record<string, never>> = {
  id: 'fire-alarm',
  version: 1,
  rules: ['fire-alarm'],
  appliesTo: ['fire'],
  configSchema: noConfig,
  stateKey: (reading, device) => (reading.kind === 'fire' ? (reading.zone ?? device.device.zone ?? device.device.id) : undefined),
  initialState: () => ({}),
  onReading(_state, reading, { device }) {
    if (reading.kind !== 'fire' || reading.event !== 'alarm') return [];
    return [{ type: 'raise', rule: 'fire-alarm', subject: reading.zone ?? device.device.zone ?? device.device.id, severity: 'P1', evidence: {} }];
  },
};

/** 持续流量: flow above zero for N minutes (a timer that must survive a restart). */
export const testContinuousFlow: Detector<{ minutes: number }, { since: number | null; raised: boolean }> = {
  id: 'continuous-flow',
  version: 1,
  rules: ['continuous-flow'],
  appliesTo: ['water.flow'],
  configSchema: z.strictObject({ minutes: z.number().default(30) }),
  initialState: () => ({ since: null, raised: false }),
  onReading(state, reading, { device }) {
    if (reading.kind !== 'water.flow') return [];
    if (reading.value > 0) {
      state.since ??= reading.ts;
      return [];
    }
    state.since = null;
    if (!state.raised) return [];
    state.raised = false;
    return [{ type: 'clear', rule: 'continuous-flow', subject: device.unit?.id ?? device.device.id, closesWorkOrder: false }];
  },
  wakeAt: (state) => (state.since === null || state.raised ? undefined : state.since + 30 * MIN),
  onTick(state, { device, now }) {
    if (state.since === null || state.raised) return [];
    state.raised = true;
    return [
      {
        type: 'raise',
        rule: 'continuous-flow',
        subject: device.unit?.id ?? device.device.id,
        severity: 'P2',
        evidence: { minutes: (now - state.since) / MIN },
      },
    ];
  },
};

/** 离线: three missed heartbeats of 5 minutes; every reading is a heartbeat; back online closes the order. */
export const testOffline: Detector<Record<string, never>, { lastSeen: number; offline: boolean }> = {
  id: 'device-offline',
  version: 1,
  rules: ['device-offline'],
  appliesTo: ['water.total', 'water.flow', 'leak', 'fire', 'heartbeat', 'status'],
  configSchema: noConfig,
  initialState: () => ({ lastSeen: 0, offline: false }),
  onReading(state, reading, { device }) {
    state.lastSeen = Math.max(state.lastSeen, reading.ts);
    if (!state.offline) return [];
    state.offline = false;
    return [{ type: 'clear', rule: 'device-offline', subject: device.device.id, closesWorkOrder: true }];
  },
  wakeAt: (state) => (state.offline || state.lastSeen === 0 ? undefined : state.lastSeen + 15 * MIN),
  onTick(state, { device }) {
    state.offline = true;
    return [{ type: 'raise', rule: 'device-offline', subject: device.device.id, severity: 'P3', evidence: { lastSeen: state.lastSeen } }];
  },
};

export const testDetectors: readonly AnyDetector[] = [testLeak, testFire, testContinuousFlow, testOffline];

export interface TestPipeline {
  readonly pipeline: Pipeline;
  readonly changes: AnomalyChange[];
  readonly metrics: IngestMetrics;
  send(deviceId: string, payload: unknown, receivedAt?: number): Promise<void>;
}

/** A pipeline on a real database, as startIngest composes it, with the test ecosystem next to the real ones. */
export async function testPipeline(
  db: Db,
  site: SiteFile,
  options: {
    detectors?: readonly AnyDetector[];
    maxPayloadBytes?: number;
    /** Incident grouping, off unless asked for (as startIngest has it: always on). */
    incidents?: { policy: IncidentPolicy; partialView?: boolean };
  } = {},
): Promise<TestPipeline> {
  const index = indexSite(site);
  const detectors = options.detectors ?? testDetectors;
  const metrics = createIngestMetrics();
  const changes: AnomalyChange[] = [];
  const log = createLogger(process.env['TEST_LOG_LEVEL'] ?? 'silent');
  const states = createStateStore(db);
  const pipeline = createPipeline({
    site: index,
    decode: createMessageDecoder({ ...index, sources: site.sources }, [testNormalizer, ...normalizers]),
    detectors,
    configFor: createConfigResolver(site, detectors),
    anomalies: createAnomalyStore(db, states),
    states,
    telemetry: createPgTelemetrySink(db),
    deadLetters: createDeadLetterSink(db),
    onAnomalyChange: (change) => changes.push(change),
    metrics,
    log,
    maxPayloadBytes: options.maxPayloadBytes ?? 64 * 1024,
    ...(options.incidents
      ? { incidents: createIncidentStore(db), incidentPolicy: options.incidents.policy, partialView: options.incidents.partialView ?? false }
      : {}),
  });
  await pipeline.start();
  return {
    pipeline,
    changes,
    metrics,
    send: (deviceId, payload, receivedAt) =>
      pipeline.onMessage(
        testTopic(index.siteId, deviceId),
        Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
        // The device's clock is right unless a test says otherwise.
        receivedAt ?? (payload as { ts?: number }).ts ?? Date.now(),
      ),
  };
}

/** A migrated database of the given kind, with a drop for afterAll (PostgreSQL: a schema of its own). */
export async function openTestDb(kind: 'pglite' | 'postgres'): Promise<{ db: Db; drop(): Promise<void> }> {
  const schema = uniqueName('dutyroom_ingest');
  const db = await openDatabase(
    { database: kind === 'postgres' ? { url: servers.postgres.url, schema } : { schema: 'public' }, dataDir: '.data/unused' },
    { inMemory: true },
  );
  return {
    db,
    async drop() {
      await db.close();
      if (kind !== 'postgres') return;
      const client = new pg.Client({ connectionString: servers.postgres.url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}
