import { connect } from 'node:net';
import { afterAll } from 'vitest';

/** Real servers the integration suites use when this machine has them (CI always does). */
export const servers = {
  mosquitto: { url: process.env['TEST_MOSQUITTO_URL'] ?? 'mqtt://127.0.0.1:1883', host: '127.0.0.1', port: 1883 },
  postgres: { url: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test', host: '127.0.0.1', port: 5432 },
  influx: { url: process.env['TEST_INFLUX_URL'] ?? 'http://127.0.0.1:8086', host: '127.0.0.1', port: 8086 },
} as const;

export type ServerName = keyof typeof servers;

const inCi = process.env['CI'] === 'true';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Whether a real server is there. Under CI=true an absent server is an error, never a skip;
 * elsewhere the suite skips and says so in one line at the end of the run.
 */
export async function available(name: ServerName): Promise<boolean> {
  const { host, port } = servers[name];
  if (await reachable(host, port)) return true;
  if (inCi) throw new Error(`CI=true but ${name} is not reachable on ${host}:${port}; .ci/run must start it`);
  afterAll(() => {
    console.warn(`skipped: ${name} suites (${name} not reachable on ${host}:${port})`);
  });
  return false;
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** A name unique to this run, for schemas, client ids and site ids on shared servers. */
export const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
