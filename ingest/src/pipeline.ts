import {
  type AnyDetector,
  type Config,
  type DetectorEvent,
  type Normalized,
  normalizeNativeReading,
  parseTopic,
  type Reading,
  type Rejection,
  reject,
  type SiteIndex,
} from '@dutyroom/domain';
import type { Logger } from '@dutyroom/platform';
import type { AnomalyChange, AnomalyStore } from './adapters/anomaly-store.pg.ts';
import type { DeadLetterSink } from './adapters/dead-letters.pg.ts';
import type { TelemetrySink } from './adapters/telemetry-sink.ts';
import type { IngestMetrics } from './metrics.ts';

export interface PipelineDeps {
  readonly site: SiteIndex;
  readonly detectors: readonly AnyDetector[];
  readonly detectorConfig: Readonly<Record<string, unknown>>;
  readonly anomalies: AnomalyStore;
  readonly telemetry: TelemetrySink;
  readonly deadLetters: DeadLetterSink;
  /** Told after the anomaly is committed (persist, then publish). */
  readonly onAnomalyChange: (change: AnomalyChange) => void;
  readonly metrics: IngestMetrics;
  readonly log: Logger;
  readonly config: Pick<Config, 'maxPayloadBytes'>;
  /** Waits between attempts to store while the database is unreachable. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Pipeline {
  /** Resolves once the message is persisted (reading, anomaly or dead letter): then it may be acked. */
  onMessage(topic: string, payload: Buffer, receivedAt: number): Promise<void>;
}

/**
 * The ingest walk: topic → device → JSON → schema → reading → telemetry → detectors → anomalies.
 * Bad input becomes a counted dead letter. A failure to store is retried until it succeeds:
 * the message stays unacknowledged meanwhile, so the broker holds the rest, and detectors see
 * each reading once, whatever the number of attempts.
 */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const { site, metrics, log } = deps;
  const configs = new Map(deps.detectors.map((d) => [d.id, d.configSchema.parse(deps.detectorConfig[d.id] ?? {})]));
  /** Per device, per detector: plain-data state (≤ a few hundred bytes each). */
  const states = new Map<string, Map<string, unknown>>();

  const decode = (topic: string, payload: Buffer, receivedAt: number): Normalized<Reading> => {
    if (payload.length > deps.config.maxPayloadBytes) return reject('oversize', `${payload.length} bytes; the limit is ${deps.config.maxPayloadBytes}`);
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'device') return reject('unknown-topic', 'not a device topic of the native scheme');
    if (parsed.siteId !== site.siteId) return reject('unknown-device', `site "${parsed.siteId}" is not served by this ingest`);
    const device = site.device(parsed.deviceId);
    if (device === undefined) return reject('unknown-device', `device "${parsed.deviceId}" is not in the site file`);
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      return reject('malformed-json', (error as Error).message);
    }
    return normalizeNativeReading(json, device, receivedAt);
  };

  const runDetectors = (reading: Reading): DetectorEvent[] => {
    const device = site.device(reading.deviceId);
    if (device === undefined) return [];
    let deviceStates = states.get(reading.deviceId);
    if (deviceStates === undefined) {
      deviceStates = new Map();
      states.set(reading.deviceId, deviceStates);
    }
    const events: DetectorEvent[] = [];
    for (const detector of deps.detectors) {
      if (!detector.appliesTo.includes(reading.kind)) continue;
      let state = deviceStates.get(detector.id);
      if (state === undefined) {
        state = detector.initialState(device);
        deviceStates.set(detector.id, state);
      }
      try {
        events.push(...detector.onReading(state, reading, { config: configs.get(detector.id), device, now: reading.ts }));
      } catch (error) {
        // One broken rule must not silence the others.
        metrics.detectorErrors.inc({ detector: detector.id });
        log.error({ err: error, detectorId: detector.id, deviceId: reading.deviceId }, 'detector threw');
      }
    }
    return events;
  };

  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const persistently = async <T>(what: string, store: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await store();
      } catch (error) {
        metrics.storeRetries.inc({ what });
        log.error({ err: error, what, attempt }, 'store failed; retrying before the message is acknowledged');
        await sleep(Math.min(5000, 100 * 2 ** attempt));
      }
    }
  };

  const deadLetter = async (topic: string, payload: Buffer, rejection: Rejection, receivedAt: number) => {
    metrics.rejections.inc({ reason: rejection.reason });
    metrics.messages.inc({ outcome: 'rejected' });
    if (log.isLevelEnabled('debug')) log.debug({ topic, reason: rejection.reason, detail: rejection.detail }, 'message rejected');
    await persistently('dead-letter', () => deps.deadLetters.put(topic, payload, rejection, receivedAt));
  };

  return {
    async onMessage(topic, payload, receivedAt) {
      const end = metrics.handleSeconds.startTimer();
      const decoded = decode(topic, payload, receivedAt);
      if (!decoded.ok) {
        await deadLetter(topic, payload, decoded.rejection, receivedAt);
        end();
        return;
      }
      const reading = decoded.value;
      await persistently('telemetry', () => deps.telemetry.write(reading));
      const events = runDetectors(reading);
      if (events.length > 0) {
        const device = site.device(reading.deviceId);
        const changes = device ? await persistently('anomaly', () => deps.anomalies.apply(reading, device, events)) : [];
        for (const change of changes) {
          metrics.anomalyChanges.inc({ rule: change.anomaly.rule, change: change.change });
          log.info({ dedupKey: `${change.anomaly.rule}:${change.anomaly.subject}`, change: change.change, anomalyId: change.anomaly.id }, 'anomaly');
          deps.onAnomalyChange(change);
        }
      }
      metrics.messages.inc({ outcome: 'accepted' });
      end();
    },
  };
}
