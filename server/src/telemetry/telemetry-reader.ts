import type { MeterKind } from '@dutyroom/domain';

/** The last cumulative total a device reported in one time bucket. */
export interface BucketLast {
  readonly deviceId: string;
  /** Start of the bucket (ms since epoch). */
  readonly t: number;
  readonly value: number;
}

export interface BucketQuery {
  readonly siteId: string;
  readonly kind: MeterKind;
  /** Only these devices; all of the site's when absent. */
  readonly deviceIds?: readonly string[];
  readonly from: number;
  readonly to: number;
  /** Bucket length and where buckets start: boundaries at k·sizeMs + shiftMs (site's midnight for days). */
  readonly sizeMs: number;
  readonly shiftMs: number;
}

export interface RecentReading {
  readonly deviceId: string;
  readonly kind: string;
  readonly ts: number;
  readonly value: number;
}

/**
 * The read port of the telemetry store: the embedded `telemetry` table or InfluxDB. Both answer
 * the same two questions, so everything above them (consumption, flow, night baseline) is one
 * piece of code, and the integration test checks the two adapters agree on the same data.
 */
export interface TelemetryReader {
  readonly kind: 'embedded' | 'influx';
  bucketLasts(query: BucketQuery): Promise<BucketLast[]>;
  recent(siteId: string, deviceIds: readonly string[], limit: number): Promise<RecentReading[]>;
}
