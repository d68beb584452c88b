import { type Config, numericValue, type Reading } from '@dutyroom/domain';
import type { Logger } from '@dutyroom/platform';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import type { TelemetrySink } from './telemetry-sink.ts';

/** Lines kept while InfluxDB is unreachable; past this the oldest are dropped, counted and logged. */
const MAX_BUFFERED_LINES = 200_000;
const MAX_RETRY_DELAY_MS = 30_000;

export interface InfluxSinkEvents {
  onFlushed?(lines: number): void;
  onDropped?(lines: number): void;
}

/** Measurement per reading kind, one field; tags are only site and device (bounded cardinality). */
export function toLineProtocol(reading: Reading): string | undefined {
  const value = numericValue(reading);
  if (value === undefined) return undefined;
  const [measurement, field] = reading.kind.split('.') as [string, string];
  return new Point(measurement)
    .tag('site', reading.siteId)
    .tag('device', reading.deviceId)
    .floatField(field, value)
    .timestamp(reading.ts)
    .toLineProtocol({ convertTime: (t) => String(t) });
}

/**
 * Writes telemetry through @influxdata/influxdb-client's transport to the v1 `/write` endpoint
 * with millisecond precision. That endpoint is served by InfluxDB 1.x, by 2.x (which maps the
 * database to a bucket of the same name, authenticated by `Token`) and by 3.x, so the one code
 * path that production runs is the one the test drives against a real InfluxDB 1.6 here
 * (docs/telemetry.md says why not `/api/v2/write`).
 *
 * Readings are buffered and sent in batches every `flushIntervalMs` or `batchSize` lines; a
 * failed batch stays at the head of the buffer and is retried with exponential backoff.
 */
export function createInfluxTelemetrySink(settings: Config['influx'] & { url: string }, log: Logger, events: InfluxSinkEvents = {}): TelemetrySink {
  const client = new InfluxDB({ url: settings.url, ...(settings.token ? { token: settings.token } : {}), timeout: 10_000 });
  const query = new URLSearchParams({ db: settings.database, precision: 'ms' });
  if (settings.retentionPolicy) query.set('rp', settings.retentionPolicy);
  const path = `/write?${query}`;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (settings.token) headers['authorization'] = `Token ${settings.token}`;

  let buffer: string[] = [];
  let inFlight: Promise<void> | undefined;
  let failures = 0;
  let retryAt = 0;
  /** One log line per filling (not one per dropped line); the counter carries the numbers. */
  let full = false;

  const sendBatch = async (): Promise<void> => {
    if (buffer.length === 0 || Date.now() < retryAt) return;
    const batch = buffer.slice(0, settings.batchSize);
    try {
      await client.transport.request(path, batch.join('\n'), { method: 'POST', headers });
      buffer = buffer.slice(batch.length);
      failures = 0;
      retryAt = 0;
      events.onFlushed?.(batch.length);
    } catch (error) {
      failures += 1;
      const delay = Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** failures);
      retryAt = Date.now() + delay;
      log.warn({ err: error, buffered: buffer.length, retryInMs: delay }, 'InfluxDB write failed; keeping the batch and retrying');
    }
  };
  const flushOnce = () => {
    inFlight ??= sendBatch().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  const timer = setInterval(() => void flushOnce(), settings.flushIntervalMs);
  timer.unref();

  return {
    async write(reading) {
      const line = toLineProtocol(reading);
      if (line === undefined) return;
      buffer.push(line);
      if (buffer.length > MAX_BUFFERED_LINES) {
        const dropped = buffer.length - MAX_BUFFERED_LINES;
        buffer = buffer.slice(dropped);
        events.onDropped?.(dropped);
        if (!full) log.error({ dropped, capacity: MAX_BUFFERED_LINES }, 'InfluxDB buffer full: dropping the oldest telemetry lines until it drains');
        full = true;
      } else if (full && buffer.length < MAX_BUFFERED_LINES / 2) {
        full = false;
        log.warn({ buffered: buffer.length }, 'InfluxDB buffer below half: no longer dropping');
      }
      if (buffer.length >= settings.batchSize) void flushOnce();
    },
    async flush() {
      retryAt = 0;
      while (buffer.length > 0) {
        const before = buffer.length;
        await flushOnce();
        if (buffer.length >= before) throw new Error(`InfluxDB did not accept ${buffer.length} buffered lines`);
      }
    },
    async close() {
      clearInterval(timer);
      await this.flush().catch((error: unknown) => log.error({ err: error, lost: buffer.length }, 'telemetry not flushed to InfluxDB at shutdown'));
    },
  };
}
