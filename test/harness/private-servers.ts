import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';

/**
 * Private servers for fault tests: each test starts its own Mosquitto, PostgreSQL cluster or
 * InfluxDB on ephemeral ports in a temp folder, and stops or kills them to make the fault, so the
 * machine's shared servers that other suites use are never disturbed.
 */
const run = promisify(execFile);
/** The newest PostgreSQL installed by Debian's packages (15 here; .ci/run installs the distribution's). */
const PG_BIN = (() => {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0] ?? '15';
  return `/usr/lib/postgresql/${newest}/bin`;
})();
export const binaries = { mosquitto: '/usr/sbin/mosquitto', postgres: `${PG_BIN}/pg_ctl`, influxd: '/usr/bin/influxd' } as const;

const inCi = process.env['CI'] === 'true';

/** Whether the binaries are installed: under CI=true their absence is an error, elsewhere a skip. */
export function haveBinaries(...names: (keyof typeof binaries)[]): boolean {
  const missing = names.filter((n) => !existsSync(binaries[n]));
  if (missing.length === 0) return true;
  if (inCi) throw new Error(`CI=true but ${missing.join(', ')} is not installed; .ci/run must install it`);
  afterAll(() => console.warn(`skipped: fault suites need ${missing.join(', ')}`));
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function untilListening(port: number, what: string, timeoutMs = 20_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));

export interface PrivateServer {
  readonly port: number;
  readonly url: string;
  /** Stops it (a graceful stop; `kill` for a crash). */
  stop(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

/**
 * A server that runs as a child process of the test (Mosquitto, influxd): stop is SIGTERM, kill is
 * SIGKILL, start spawns it again on the same port and data folder, destroy removes the folder.
 */
async function startChildServer(spec: {
  port: number;
  url: string;
  dir: string;
  command: string;
  args: readonly string[];
  name: string;
}): Promise<PrivateServer> {
  let child: ChildProcess | undefined;
  const end = async (signal: NodeJS.Signals) => {
    if (child === undefined) return;
    const c = child;
    child = undefined;
    c.kill(signal);
    await exited(c);
  };
  const server: PrivateServer = {
    port: spec.port,
    url: spec.url,
    async start() {
      child = spawn(spec.command, [...spec.args], { stdio: 'ignore' });
      await untilListening(spec.port, spec.name);
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async destroy() {
      await end('SIGKILL');
      await rm(spec.dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** Mosquitto with persistence, no queue-count limit (deploy/mosquitto/mosquitto.conf's loss settings). */
export async function privateMosquitto(): Promise<PrivateServer> {
  const dir = await mkdtemp(join(tmpdir(), 'dutyroom-mosquitto-'));
  // Started as root, Mosquitto drops to the `mosquitto` account: it must be able to save its database.
  if (process.getuid?.() === 0) await run('chown', ['mosquitto:', dir]).catch(() => undefined);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      'max_queued_messages 0',
      'max_inflight_messages 100',
      'set_tcp_nodelay true',
      'log_dest none',
      '',
    ].join('\n'),
  );
  return startChildServer({ port, url: `mqtt://127.0.0.1:${port}`, dir, command: binaries.mosquitto, args: ['-c', conf], name: 'mosquitto' });
}

/** A PostgreSQL 15 cluster of its own (trust auth, user postgres, database postgres). */
export async function privatePostgres(): Promise<PrivateServer> {
  const dir = await mkdtemp(join(tmpdir(), 'dutyroom-pg-'));
  const port = await freePort();
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root (CI containers): run it as the `postgres` account then.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await run('chown', ['postgres:', dir]);
  const pgRun = (binary: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', `${PG_BIN}/${binary}`, ...args], { env: { ...process.env, LC_ALL: 'C' } })
      : run(`${PG_BIN}/${binary}`, args, { env: { ...process.env, LC_ALL: 'C' } });
  await pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const ctl = (...args: string[]) => pgRun('pg_ctl', ['-D', data, ...args]);
  const server: PrivateServer = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await ctl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(dir, 'log'), '-w', 'start');
      await untilListening(port, 'postgres');
    },
    async stop() {
      await ctl('-m', 'fast', '-w', 'stop').catch(() => undefined);
    },
    async kill() {
      await ctl('-m', 'immediate', '-w', 'stop').catch(() => undefined);
    },
    async destroy() {
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** InfluxDB 1.x (`influxd`) with its meta, data and WAL in a temp folder. */
export async function privateInflux(): Promise<PrivateServer> {
  const dir = await mkdtemp(join(tmpdir(), 'dutyroom-influx-'));
  const port = await freePort();
  const rpcPort = await freePort();
  const conf = join(dir, 'influxdb.conf');
  await writeFile(
    conf,
    [
      'reporting-enabled = false',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${dir}/meta"`,
      '[data]',
      `  dir = "${dir}/data"`,
      `  wal-dir = "${dir}/wal"`,
      '  query-log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${port}"`,
      '  log-enabled = false',
      '',
    ].join('\n'),
  );
  return startChildServer({ port, url: `http://127.0.0.1:${port}`, dir, command: binaries.influxd, args: ['-config', conf], name: 'influxd' });
}

/** Redis on 127.0.0.1:6379 (the machine's), under the same CI rule as the other shared servers. */
export async function redisAvailable(url = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379'): Promise<string | undefined> {
  const { connect } = await import('node:net');
  const { hostname, port } = new URL(url);
  const ok = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379), timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => resolve(false));
  });
  if (ok) return url;
  if (inCi) throw new Error(`CI=true but Redis is not reachable at ${url}`);
  afterAll(() => console.warn(`skipped: Redis suites (${url} not reachable)`));
  return undefined;
}

/** Seconds of an outage: the short default in `npm test`, the full length under `npm run test:faults`. */
export const outageSeconds = (full: number, short: number) => (process.env['DUTYROOM_FULL_FAULTS'] === 'true' ? full : short);
