import type {
  AnyDetector,
  DecodeInput,
  DecodeResult,
  DetectorEvent,
  DeviceContext,
  HoldDownPolicy,
  IncidentPolicy,
  Reading,
  RegisterBreak,
  SiteIndex,
  StormPolicy,
} from '@dutyroom/domain';
import type { Logger } from '@dutyroom/platform';
import type { AnomalyChange, AnomalyStore } from './adapters/anomaly-store.pg.ts';
import type { DeadLetterSink } from './adapters/dead-letters.pg.ts';
import type { IncidentStore } from './adapters/incident-store.pg.ts';
import type { StateStore } from './adapters/state-store.pg.ts';
import type { TelemetrySink } from './adapters/telemetry-sink.ts';
import { AnomalyFlow } from './anomaly-flow.ts';
import { createDetectorRunner } from './detector-runner.ts';
import type { StateEntry } from './detector-states.ts';
import type { IngestMetrics } from './metrics.ts';
import { clockRule, impossibleValue, RecentKeys } from './reading-guard.ts';
import type { ConfigResolver } from './rule-config.ts';

export interface PipelineDeps {
  readonly site: SiteIndex;
  /** `createMessageDecoder(site)`: topic → ecosystem → readings and rejections. */
  readonly decode: (input: DecodeInput) => DecodeResult;
  readonly detectors: readonly AnyDetector[];
  readonly configFor: ConfigResolver;
  readonly anomalies: AnomalyStore;
  readonly states: StateStore;
  readonly telemetry: TelemetrySink;
  readonly deadLetters: DeadLetterSink;
  /** Told after the anomaly is committed (persist, then publish). */
  readonly onAnomalyChange: (change: AnomalyChange) => void;
  readonly metrics: IngestMetrics;
  readonly log: Logger;
  readonly maxPayloadBytes: number;
  readonly holdDown?: HoldDownPolicy;
  readonly storm?: StormPolicy;
  /** Incident grouping (without a store: none). */
  readonly incidents?: IncidentStore;
  readonly incidentPolicy?: IncidentPolicy;
  /** Other workers receive part of this site's devices (a share group): every open asks the database. */
  readonly partialView?: boolean;
  /** Epoch ms this pipeline's site-data revision replaced a running one (an incident's `site-revision` cause). */
  readonly siteRevisionAt?: number;
  /** Detector states written per snapshot at most (default 2,000). */
  readonly maxStatesPerSnapshot?: number;
  /** Idempotency keys remembered in memory (two generations of this many). */
  readonly recentKeys?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock of `start` (tests set it; the same as the timers'). */
  readonly now?: () => number;
}

export interface Pipeline {
  /** Restores detector states, gateway outages and held-down clears saved before a restart. */
  start(): Promise<{ restored: number; discarded: number; resumed: number }>;
  /** Resolves once the message is persisted (readings, anomalies, dead letters): then it may be acked. */
  onMessage(topic: string, payload: Uint8Array, receivedAt: number): Promise<void>;
  /** Runs detector timers and held-down clears due at `now`; resolves once their changes are committed. */
  tick(now: number): Promise<void>;
  /** Saves detector states changed since they were last saved (at most `maxStatesPerSnapshot`, oldest first). */
  snapshot(): Promise<number>;
  /** Resolves once everything received so far is persisted. */
  drain(): Promise<void>;
  readonly stats: { readonly states: number; readonly timers: number; readonly backlog: number; readonly dirty: number };
}

/** How long a reading's idempotency key is remembered in memory (at least; docs/ingest.md). */
const RECENT_KEYS_WINDOW_MS = 10 * 60_000;

/**
 * State rows per snapshot write: small enough that an anomaly never waits long behind one. A finding
 * queued behind a chunk waits for it: 100 states took ≈ 8 ms on PostgreSQL (load 8), 25 ≈ 2 ms
 * (docs/performance.md), which was the largest part of the latency tail's queueing.
 */
const SNAPSHOT_CHUNK = 25; // rows: a device entry is one row per held state plus its register
/**
 * States per snapshot: with one snapshot every 5 s, at most 400 state rows a second, so snapshots
 * never take the database (with PGlite: the ingest's own thread) from telemetry and findings. Under
 * heavier change the oldest changes go first and a state's snapshot lags more (docs/ingest.md §6).
 */
const MAX_STATES_PER_SNAPSHOT = 2_000;

type Outcome = 'accepted' | 'partial' | 'rejected' | 'duplicate' | 'ignored';

/** What `onMessage` returns for a message with nothing to store (no allocation per message). */
const STORED: Promise<void> = Promise.resolve();

/**
 * The ingest walk: size → decode (normalizer registry) → per reading: guard, de-duplicate,
 * telemetry, detectors → anomalies (one queue, one transaction per reading with findings).
 * Bad input becomes a counted dead letter with the raw bytes. docs/ingest.md tells the rules.
 */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const { site, metrics, log, detectors } = deps;
  const recent = new RecentKeys(deps.recentKeys ?? 200_000, RECENT_KEYS_WINDOW_MS);
  const flow = new AnomalyFlow({
    site,
    store: deps.anomalies,
    onAnomalyChange: deps.onAnomalyChange,
    metrics,
    log,
    ...(deps.holdDown ? { holdDown: deps.holdDown } : {}),
    ...(deps.storm ? { storm: deps.storm } : {}),
    ...(deps.incidents
      ? {
          incidents: {
            store: deps.incidents,
            ...(deps.incidentPolicy ? { policy: deps.incidentPolicy } : {}),
            partialView: deps.partialView ?? false,
            ...(deps.siteRevisionAt === undefined ? {} : { siteRevisionAt: deps.siteRevisionAt }),
          },
        }
      : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  let backlog = 0;
  let snapshotting: Promise<number> | undefined;

  const deadLetter = (topic: string, payload: Uint8Array, reason: string, detail: string, receivedAt: number) => {
    metrics.rejections.inc({ reason });
    if (log.isLevelEnabled('debug')) log.debug({ topic, reason, detail }, 'rejected');
    return deps.deadLetters.put({ topic, payload, reason, detail, receivedAt });
  };

  const detectorFailed = (detector: AnyDetector, error: unknown, deviceId: string) => {
    // One broken rule must not silence the others.
    metrics.detectorErrors.inc({ detector: detector.id });
    log.error({ err: error, detectorId: detector.id, deviceId }, 'detector threw');
  };

  const registerBreak = (device: DeviceContext, mark: RegisterBreak) => {
    // Evidence without an anomaly: a reset or a replacement is a new baseline, and operators see it here.
    metrics.meterBreaks.inc({ kind: mark.kind });
    log.info({ deviceId: device.device.id, kind: mark.kind, from: mark.from, to: mark.to, at: mark.at }, 'meter register discontinuity');
  };

  const runner = createDetectorRunner({ detectors, configFor: deps.configFor, site, onError: detectorFailed, onBreak: registerBreak });
  const states = runner.states;

  const applyFindings = (
    reading: Pick<Reading, 'siteId' | 'ts' | 'drill'>,
    key: string | undefined,
    device: DeviceContext,
    events: DetectorEvent[],
    touched: StateEntry[],
  ) => {
    for (const entry of touched) states.clean(entry);
    return flow.apply({
      siteId: reading.siteId,
      idempotencyKey: key,
      readingTs: reading.ts,
      drill: reading.drill,
      device,
      events,
      states: states.snapshotsOf(touched),
    });
  };

  const handle = (topic: string, payload: Uint8Array, receivedAt: number, writes: Promise<void>[]): Outcome => {
    if (payload.length > deps.maxPayloadBytes) {
      // Kept, but only its first maxPayloadBytes: the dead-letter table is no place for a flood.
      const kept = payload.subarray(0, deps.maxPayloadBytes);
      writes.push(
        deadLetter(topic, kept, 'oversize', `${payload.length} bytes; the limit is ${deps.maxPayloadBytes}; the first ${kept.length} are kept`, receivedAt),
      );
      return 'rejected';
    }
    let decoded: DecodeResult;
    try {
      decoded = deps.decode({ topic, payload, receivedAt });
    } catch (error) {
      // A normalizer must not throw; if one does, the message is kept, not lost.
      log.error({ err: error, topic }, 'normalizer threw');
      decoded = { readings: [], rejections: [{ reason: 'internal-error', detail: `normalizer threw: ${(error as Error).message}` }] };
    }
    let rejected = decoded.rejections.length;
    for (const r of decoded.rejections) writes.push(deadLetter(topic, payload, r.reason, r.detail, receivedAt));
    let accepted = 0;
    const duplicates: string[] = [];
    for (const reading of decoded.readings) {
      const impossible = impossibleValue(reading);
      if (impossible !== undefined) {
        rejected++;
        writes.push(deadLetter(topic, payload, 'impossible-value', `${reading.deviceId}: ${impossible}`, receivedAt));
        continue;
      }
      if (recent.seen(reading.idempotencyKey, receivedAt)) {
        duplicates.push(reading.idempotencyKey);
        continue;
      }
      const clock = clockRule(reading);
      if (clock !== undefined) {
        metrics.handled.inc({ rule: clock });
        // The device's clock jumped: opens around now may be its doing (an incident's `time-jump` cause).
        flow.incidents?.noteClockJump(reading.ts);
      }
      const device = site.device(reading.deviceId);
      if (device === undefined) {
        rejected++;
        writes.push(deadLetter(topic, payload, 'unknown-device', `device "${reading.deviceId}" is not in the site file`, receivedAt));
        continue;
      }
      accepted++;
      metrics.readings.inc({ kind: reading.kind });
      // Findings first: their anomaly transaction is queued before this reading's telemetry batch.
      const found = runner.onReading(reading, device);
      if (found !== undefined) writes.push(applyFindings(reading, reading.idempotencyKey, device, found.events, found.touched));
      writes.push(deps.telemetry.write(reading));
    }
    if (duplicates.length > 0) {
      // QoS 1 redelivery or a replay: already handled, so no detector sees it again. Kept for the record.
      writes.push(deadLetter(topic, payload, 'duplicate', `already handled: ${duplicates.join(', ')}`, receivedAt));
    }
    if (accepted > 0) return rejected > 0 ? 'partial' : 'accepted';
    if (rejected > 0) return 'rejected';
    return duplicates.length > 0 ? 'duplicate' : 'ignored';
  };

  const receive = (topic: string, payload: Uint8Array, receivedAt: number): Promise<void> => {
    // performance.now and observe, not startTimer: no closure, hrtime pair and label object per message.
    const started = performance.now();
    const writes: Promise<void>[] = [];
    let outcome: Outcome;
    try {
      outcome = handle(topic, payload, receivedAt, writes);
    } catch (error) {
      // Defence in depth: whatever slipped through is dead-lettered, never lost and never a crash.
      log.error({ err: error, topic }, 'message handling failed');
      writes.push(deadLetter(topic, payload, 'internal-error', (error as Error).message ?? String(error), receivedAt));
      outcome = 'rejected';
    }
    metrics.messages.inc({ outcome });
    if (writes.length === 0) {
      metrics.handleSeconds.observe((performance.now() - started) / 1000);
      return STORED;
    }
    backlog++;
    metrics.backlog.inc();
    // Most messages have one write (their telemetry row): no Promise.all around it.
    const stored: Promise<unknown> = writes.length === 1 ? (writes[0] as Promise<void>) : Promise.all(writes);
    return stored.then(
      () => {
        backlog--;
        metrics.backlog.dec();
        metrics.handleSeconds.observe((performance.now() - started) / 1000);
      },
      (error: unknown) => {
        backlog--;
        metrics.backlog.dec();
        throw error;
      },
    );
  };

  return {
    async start() {
      const restored = states.restore(await deps.states.load(site.siteId), (id) => site.device(id));
      // Before the first tick: registers and liveness from the newest stored readings, and no timer
      // fired by the ingest's own absence (docs/ingest.md § Timers and restarts).
      const point = await deps.states.resumePoint(site.siteId, (deps.now ?? Date.now)());
      const result = { ...restored, resumed: runner.resume(point) };
      await flow.restore();
      metrics.detectorStates.set(states.size);
      if (result.discarded > 0) log.warn(result, 'detector states of another version or of removed devices discarded');
      log.info({ ...result, timers: states.timers.size, listeningUntil: point.listeningUntil, startedAt: point.startedAt }, 'detector states restored');
      return result;
    },

    onMessage(topic, payload, receivedAt) {
      try {
        return receive(topic, payload, receivedAt);
      } catch (error) {
        // As an async function would: a throw (even while dead-lettering a throw) is a rejection, never a crash of the reader.
        return Promise.reject(error);
      }
    },

    async tick(now) {
      flow.incidents?.watchHostClock(Date.now(), performance.now());
      const pending: Promise<void>[] = [];
      runner.tick(now, (entry, events) => {
        pending.push(applyFindings({ siteId: site.siteId, ts: now, drill: entry.drill }, undefined, entry.device, events, [entry]));
      });
      pending.push(flow.clearDue(now));
      metrics.detectorStates.set(states.size);
      await Promise.all(pending);
    },

    async snapshot() {
      // One snapshot at a time; states changed meanwhile wait for the next.
      if (snapshotting !== undefined) return snapshotting;
      const dirty = states.takeDirty(deps.maxStatesPerSnapshot ?? MAX_STATES_PER_SNAPSHOT);
      snapshotting = (async () => {
        let saved = 0;
        // Through the anomaly queue, so a snapshot never overwrites a newer state saved with a
        // finding; in chunks, so findings never wait behind a whole snapshot.
        for (const chunk of states.chunkByRows(dirty, SNAPSHOT_CHUNK)) {
          saved += await flow.enqueue(async () => {
            try {
              await deps.states.save(site.siteId, states.snapshotsOf(chunk));
              return chunk.length;
            } catch (error) {
              states.markDirty(chunk);
              metrics.storeRetries.inc({ what: 'detector-states' });
              log.error({ err: error, states: chunk.length }, 'detector state snapshot failed; trying again at the next');
              return 0;
            }
          });
        }
        return saved;
      })().finally(() => {
        snapshotting = undefined;
      });
      return snapshotting;
    },

    async drain() {
      await Promise.all([deps.telemetry.flush(), deps.deadLetters.drain(), flow.enqueue(async () => undefined)]);
    },

    get stats() {
      return { states: states.size, timers: states.timers.size, backlog, dirty: states.dirtyCount };
    },
  };
}
