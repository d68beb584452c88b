import { z } from 'zod';
import { defaultIncidentPolicy } from '../anomalies/incident-grouping.ts';

/**
 * The configuration of every process, validated in one place. Sources, lowest first: these
 * defaults, the optional file named by DUTYROOM_CONFIG, then the environment (see `envVariables`).
 */
const port = z.coerce.number().int().min(0).max(65535);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1')]);
const url = (protocols: readonly string[]) =>
  z.url().refine((u) => protocols.some((p) => u.startsWith(`${p}:`)), { message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}` });

export const configSchema = z.strictObject({
  http: z.strictObject({ host: z.string().default('0.0.0.0'), port: port.default(8080) }).prefault({}),
  mqtt: z
    .strictObject({
      /** An external broker; without it the launcher starts the embedded one. */
      url: url(['mqtt', 'mqtts', 'tcp', 'ws', 'wss']).optional(),
      username: z.string().optional(),
      password: z.string().optional(),
      embeddedPort: port.default(1884),
      embeddedHost: z.string().default('127.0.0.1'),
    })
    .prefault({}),
  database: z
    .strictObject({
      /** A PostgreSQL server; without it the embedded PGlite keeps its files under dataDir. */
      url: url(['postgres', 'postgresql']).optional(),
      /** PostgreSQL schema (search_path) for all tables; tests give each run its own. */
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/)
        .default('public'),
    })
    .prefault({}),
  influx: z
    .strictObject({
      /** InfluxDB for telemetry; without it telemetry stays in the relational store. */
      url: url(['http', 'https']).optional(),
      token: z.string().optional(),
      /** v1 database, or the v2 bucket mapped to it (InfluxDB 2.x maps db → bucket by name). */
      database: z.string().default('dutyroom'),
      retentionPolicy: z.string().optional(),
      flushIntervalMs: z.coerce.number().int().positive().default(1000),
      batchSize: z.coerce.number().int().positive().default(5000),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      /** MQTT client id; the broker keeps this worker's persistent session under it. */
      clientId: z.string().min(1).default('dutyroom-ingest'),
      /** /metrics and /healthz of a stand-alone ingest process. */
      httpPort: port.default(9464),
      /** Incident grouping (docs/ingest.md §5): when opens of one rule fold into one incident. */
      incidents: z
        .strictObject({
          windowSeconds: z.coerce.number().positive().default(defaultIncidentPolicy.windowSeconds),
          siteMinDevices: z.coerce.number().int().min(2).default(defaultIncidentPolicy.siteMinDevices),
          scopeShare: z.coerce.number().positive().max(1).default(defaultIncidentPolicy.scopeShare),
          scopeMinDevices: z.coerce.number().int().min(2).default(defaultIncidentPolicy.scopeMinDevices),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Several ingest workers (docs/scaling.md). Defaults: one worker owns every site, no leases. */
  scale: z
    .strictObject({
      /** Names this worker in logs and /healthz; defaults to host:pid. */
      workerId: z.string().min(1).optional(),
      /** Site files this worker may run (comma-separated in the env); default: `siteFile` alone. */
      siteFiles: z.preprocess(
        (v) =>
          typeof v === 'string'
            ? v
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : v,
        z.array(z.string().min(1)).optional(),
      ),
      /**
       * Lease each site through a PostgreSQL advisory lock, so exactly one worker runs a site; a
       * worker that dies loses its locks with its connection and a live one takes the site over.
       */
      leases: bool.default(false),
      /**
       * Fair share (0: none): past this many sites a worker takes a free site only after it stayed
       * free for three lease rounds, so workers starting together spread the sites.
       */
      sitesPerWorker: z.coerce.number().int().min(0).default(0),
      /** How often a worker tries to lease sites nobody runs. */
      leaseCheckMs: z.coerce.number().int().positive().default(2000),
      /** Subscribe as `$share/<group>/<filter>`: only with EMQX `shared_subscription_strategy = hash_topic`. */
      shareGroup: z
        .string()
        .regex(/^[^/+#]+$/)
        .optional(),
    })
    .prefault({}),
  /** Redis for the socket.io adapter: several server processes behind one address. */
  redis: z.strictObject({ url: url(['redis', 'rediss']).optional() }).prefault({}),
  server: z
    .strictObject({
      /** MQTT client id of the server's persistent session for anomaly events. */
      clientId: z.string().min(1).default('dutyroom-server'),
    })
    .prefault({}),
  dataDir: z.string().default('.data'),
  siteFile: z.string().default('sites/demo.yaml'),
  /** Demo mode creates the demo accounts and prints them; never set it for a real site. */
  demo: bool.default(false),
  simulator: z
    .strictObject({
      enabled: bool.default(true),
      /** Seconds between two readings of one meter. */
      intervalSeconds: z.coerce.number().positive().default(30),
      /** Seconds between two vacant-unit leaks started by the demo. */
      leakEverySeconds: z.coerce.number().positive().default(120),
      seed: z.coerce.number().int().default(1),
      /** 演练: in demo mode the launcher runs a drill runner, so the console's drills play (issue 7). */
      drillRunner: bool.default(true),
    })
    .prefault({}),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Payloads larger than this are dead-lettered unread. */
  maxPayloadBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
});

export type Config = z.infer<typeof configSchema>;

/** Environment variable → config path. The README and docs/configuration.md list the same. */
export const envVariables: Readonly<Record<string, readonly string[]>> = {
  MQTT_URL: ['mqtt', 'url'],
  MQTT_USERNAME: ['mqtt', 'username'],
  MQTT_PASSWORD: ['mqtt', 'password'],
  DUTYROOM_BROKER_PORT: ['mqtt', 'embeddedPort'],
  DUTYROOM_BROKER_HOST: ['mqtt', 'embeddedHost'],
  DATABASE_URL: ['database', 'url'],
  DATABASE_SCHEMA: ['database', 'schema'],
  INFLUX_URL: ['influx', 'url'],
  INFLUX_TOKEN: ['influx', 'token'],
  INFLUX_DATABASE: ['influx', 'database'],
  INFLUX_RETENTION_POLICY: ['influx', 'retentionPolicy'],
  DUTYROOM_HTTP_HOST: ['http', 'host'],
  DUTYROOM_HTTP_PORT: ['http', 'port'],
  PORT: ['http', 'port'],
  DUTYROOM_INGEST_CLIENT_ID: ['ingest', 'clientId'],
  DUTYROOM_INGEST_HTTP_PORT: ['ingest', 'httpPort'],
  DUTYROOM_INCIDENT_WINDOW_SECONDS: ['ingest', 'incidents', 'windowSeconds'],
  DUTYROOM_INCIDENT_SITE_MIN_DEVICES: ['ingest', 'incidents', 'siteMinDevices'],
  DUTYROOM_INCIDENT_SCOPE_SHARE: ['ingest', 'incidents', 'scopeShare'],
  DUTYROOM_INCIDENT_SCOPE_MIN_DEVICES: ['ingest', 'incidents', 'scopeMinDevices'],
  DUTYROOM_SERVER_CLIENT_ID: ['server', 'clientId'],
  DUTYROOM_WORKER_ID: ['scale', 'workerId'],
  DUTYROOM_INGEST_SITE_FILES: ['scale', 'siteFiles'],
  DUTYROOM_INGEST_LEASES: ['scale', 'leases'],
  DUTYROOM_INGEST_LEASE_CHECK_MS: ['scale', 'leaseCheckMs'],
  DUTYROOM_INGEST_SITES_PER_WORKER: ['scale', 'sitesPerWorker'],
  DUTYROOM_INGEST_SHARE_GROUP: ['scale', 'shareGroup'],
  REDIS_URL: ['redis', 'url'],
  DUTYROOM_DATA_DIR: ['dataDir'],
  DUTYROOM_SITE_FILE: ['siteFile'],
  DUTYROOM_DEMO: ['demo'],
  DUTYROOM_SIMULATOR: ['simulator', 'enabled'],
  DUTYROOM_SIMULATOR_INTERVAL_SECONDS: ['simulator', 'intervalSeconds'],
  DUTYROOM_SIMULATOR_LEAK_EVERY_SECONDS: ['simulator', 'leakEverySeconds'],
  DUTYROOM_SIMULATOR_SEED: ['simulator', 'seed'],
  DUTYROOM_DRILL_RUNNER: ['simulator', 'drillRunner'],
  LOG_LEVEL: ['logLevel'],
  DUTYROOM_MAX_PAYLOAD_BYTES: ['maxPayloadBytes'],
};

/** The variable that sets a config path, for error messages that say what to change. */
export function envNameFor(path: readonly (string | number | symbol)[]): string | undefined {
  const key = path.map(String).join('.');
  return Object.entries(envVariables).find(([, p]) => p.join('.') === key)?.[0];
}
