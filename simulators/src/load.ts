import type { MeterReadingPayload, SiteFile } from '@dutyroom/domain';
import { siteFileSchema, topics } from '@dutyroom/domain';
import { connectMqtt, waitForConnect } from '@dutyroom/platform';

/**
 * Load mode for the benchmarks: N native water meters publishing at a total rate, with latency
 * probes through the broker. Bounded in count, rate and time, and loopback only unless the
 * caller says otherwise, so a mistyped URL never floods a production broker.
 */
export const LOAD_LIMITS = { maxDevices: 200_000, maxRatePerSecond: 100_000, maxDurationSeconds: 3600 } as const;

export interface LoadOptions {
  readonly url: string;
  readonly siteId: string;
  readonly devices: number;
  /** Messages per second, all devices together. */
  readonly ratePerSecond: number;
  readonly qos: 0 | 1;
  readonly durationSeconds: number;
  /** Probe messages per second (each measures publish → delivered back by the broker). */
  readonly probesPerSecond?: number | undefined;
  /** QoS 1 messages not yet acknowledged before the generator waits (backpressure). */
  readonly maxInflight?: number | undefined;
  readonly allowRemote?: boolean | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly onProgress?: ((progress: LoadProgress) => void) | undefined;
}

export interface LoadProgress {
  readonly elapsedMs: number;
  readonly sent: number;
  readonly acknowledged: number;
  readonly failed: number;
  /** Ticks on which sending waited for acknowledgements. */
  readonly throttled: number;
}

export interface LoadSummary extends LoadProgress {
  readonly achievedRatePerSecond: number;
  readonly probes: {
    readonly sent: number;
    readonly received: number;
    readonly p50Ms: number;
    readonly p95Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
  };
}

export class LoadOptionsError extends Error {}

const LOOPBACK = /^(mqtts?|wss?|tcp):\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/;

export function checkLoadOptions(options: LoadOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.devices) || options.devices < 1 || options.devices > LOAD_LIMITS.maxDevices)
    problems.push(`devices must be 1–${LOAD_LIMITS.maxDevices}`);
  if (!(options.ratePerSecond > 0) || options.ratePerSecond > LOAD_LIMITS.maxRatePerSecond)
    problems.push(`rate must be > 0 and ≤ ${LOAD_LIMITS.maxRatePerSecond}/s`);
  if (!(options.durationSeconds > 0) || options.durationSeconds > LOAD_LIMITS.maxDurationSeconds)
    problems.push(`duration must be > 0 and ≤ ${LOAD_LIMITS.maxDurationSeconds} s`);
  if (options.qos !== 0 && options.qos !== 1) problems.push('qos must be 0 or 1');
  if (!options.allowRemote && !LOOPBACK.test(options.url))
    problems.push(`${options.url} is not a loopback address; pass --allow-remote to load another broker`);
  if (problems.length > 0) throw new LoadOptionsError(problems.join('; '));
}

export const loadDeviceId = (i: number) => `load-${String(i).padStart(6, '0')}`;
const PROBE_DEVICE = 'load-probe';

/** A site file holding the load devices (occupied units, so no anomaly fires), for the ingest under test. */
export function loadSite(siteId: string, devices: number): SiteFile {
  const perBuilding = 1000;
  const buildings = Math.ceil((devices + 1) / perBuilding);
  return siteFileSchema.parse({
    site: { id: siteId, name: `load ${devices}` },
    people: [{ id: 'steward-load', name: '压测管家', role: 'steward' }],
    grids: [{ id: 'grid-load', name: '压测网格', steward: 'steward-load' }],
    buildings: Array.from({ length: buildings }, (_, b) => ({ id: `L${b}`, name: `L${b}`, kind: 'high-rise', floors: 1, grid: 'grid-load' })),
    units: Array.from({ length: devices + 1 }, (_, i) => ({
      id: `L-${i}`,
      building: `L${Math.floor(i / perBuilding)}`,
      floor: 1,
      occupancy: 'occupied',
      devices: [{ id: i === devices ? PROBE_DEVICE : loadDeviceId(i), kind: 'water-meter' }],
    })),
  });
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Runs the load and resolves with what was sent, acknowledged and measured. */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  checkLoadOptions(options);
  const auth = { url: options.url, username: options.username, password: options.password };
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const publisher = connectMqtt(auth, { clientId: `dutyroom-load-${tag}`, clean: true });
  const observer = connectMqtt(auth, { clientId: `dutyroom-load-probe-${tag}`, clean: true });
  await Promise.all([waitForConnect(publisher), waitForConnect(observer)]);
  const probeTopic = topics.deviceMessage(options.siteId, PROBE_DEVICE, 'reading');
  const probeSentAt = new Map<number, number>();
  const latencies: number[] = [];
  observer.on('message', (topic, payload) => {
    if (topic !== probeTopic) return;
    const seq = (JSON.parse(payload.toString()) as MeterReadingPayload).seq ?? -1;
    const sentAt = probeSentAt.get(seq);
    if (sentAt === undefined) return;
    latencies.push(performance.now() - sentAt);
    probeSentAt.delete(seq);
  });
  await observer.subscribeAsync(probeTopic, { qos: options.qos });

  const totals = new Float64Array(options.devices);
  const maxInflight = options.maxInflight ?? 1000;
  let sent = 0;
  let acknowledged = 0;
  let failed = 0;
  let throttled = 0;
  let probeSeq = 0;
  let cursor = 0;
  let loadSent = 0;
  const started = performance.now();
  const progress = (): LoadProgress => ({ elapsedMs: performance.now() - started, sent, acknowledged, failed, throttled });
  const sendOne = (deviceId: string, payload: MeterReadingPayload) => {
    sent += 1;
    publisher.publish(topics.deviceMessage(options.siteId, deviceId, 'reading'), JSON.stringify(payload), { qos: options.qos }, (error) => {
      if (error) failed += 1;
      else acknowledged += 1;
    });
  };

  await new Promise<void>((resolve) => {
    const tickMs = 10;
    let lastProgress = started;
    const timer = setInterval(() => {
      const now = performance.now();
      if (now - started >= options.durationSeconds * 1000) {
        clearInterval(timer);
        resolve();
        return;
      }
      if (options.qos === 1 && sent - acknowledged - failed >= maxInflight) {
        throttled += 1;
        return;
      }
      // What is owed by now, not per tick: timers fire late on a busy machine and the rate must hold.
      const elapsedSeconds = (now - started) / 1000;
      const ts = Date.now();
      const room = () => options.qos === 0 || sent - acknowledged - failed < maxInflight;
      for (const due = Math.floor(options.ratePerSecond * elapsedSeconds); loadSent < due && room(); loadSent++) {
        const i = cursor;
        cursor = (cursor + 1) % options.devices;
        totals[i] = (totals[i] ?? 0) + 0.001;
        sendOne(loadDeviceId(i), { ts, total: Math.round((totals[i] ?? 0) * 1000) / 1000, unit: 'm3' });
      }
      for (const due = Math.floor((options.probesPerSecond ?? 10) * elapsedSeconds); probeSeq < due; ) {
        probeSeq += 1;
        probeSentAt.set(probeSeq, performance.now());
        sendOne(PROBE_DEVICE, { ts, total: probeSeq / 1000, unit: 'm3', seq: probeSeq });
      }
      if (options.onProgress && now - lastProgress >= 1000) {
        lastProgress = now;
        options.onProgress(progress());
      }
    }, tickMs);
  });
  // Let the last acknowledgements and probes arrive.
  const drainUntil = performance.now() + 2000;
  while (performance.now() < drainUntil && (sent - acknowledged - failed > 0 || probeSentAt.size > 0)) await new Promise((r) => setTimeout(r, 20));
  await Promise.all([publisher.endAsync(), observer.endAsync()]);
  const sorted = [...latencies].sort((a, b) => a - b);
  const elapsed = progress();
  return {
    ...elapsed,
    achievedRatePerSecond: Math.round((elapsed.sent / (options.durationSeconds || 1)) * 10) / 10,
    probes: {
      sent: probeSeq,
      received: latencies.length,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.at(-1) ?? 0,
    },
  };
}
