import type { ConsumptionSeries, MeterKind, NightFlowDto, SiteFile, TelemetryBucket, UnitConsumptionDto } from '@dutyroom/domain';
import { bucketStart, consumptionPerBucket, localShiftMs, median, zoneOffsetMs } from './consumption.ts';
import type { TelemetryReader } from './telemetry-reader.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const BUCKET_MS: Record<TelemetryBucket, number> = { minute: MINUTE, hour: HOUR, day: DAY };
/** Longest range per bucket size, so one request never scans months of minutes. */
const MAX_BUCKETS = 1500;
/** 最小夜间流量: the quietest hour between 01:00 and 05:00 local time, when a sound site uses almost nothing. */
const NIGHT_FROM_HOUR = 1;
const NIGHT_TO_HOUR = 5;

const meterKindOf: Record<string, MeterKind | undefined> = { 'water-meter': 'water.total', 'electricity-meter': 'electricity.total' };

/** Consumption per unit, site flow per minute and the night-flow baseline, in the site's time zone. */
export function createTelemetryService(reader: TelemetryReader, site: SiteFile) {
  const siteId = site.site.id;
  const timeZone = site.site.timezone;

  const series = async (kind: MeterKind, bucket: TelemetryBucket, from: number, to: number, deviceIds?: readonly string[]): Promise<ConsumptionSeries> => {
    const sizeMs = BUCKET_MS[bucket];
    const shiftMs = bucket === 'minute' ? 0 : localShiftMs(sizeMs, zoneOffsetMs(timeZone, from));
    const start = bucketStart(from, sizeMs, shiftMs);
    // One bucket before the range gives the reference total for the first bucket's consumption.
    const lasts = await reader.bucketLasts({ siteId, kind, ...(deviceIds ? { deviceIds } : {}), from: start - sizeMs, to, sizeMs, shiftMs });
    return { kind, bucket, from: start, to, points: consumptionPerBucket(lasts, start, to, sizeMs, shiftMs) };
  };

  const range = (bucket: TelemetryBucket, now: number, from?: number, to?: number) => {
    const sizeMs = BUCKET_MS[bucket];
    const end = to ?? now;
    const defaultSpan = bucket === 'minute' ? HOUR : bucket === 'hour' ? DAY : 14 * DAY;
    const start = Math.max(from ?? end - defaultSpan, end - MAX_BUCKETS * sizeMs);
    return { from: start, to: end };
  };

  return {
    reader,
    range,
    async unitConsumption(unitId: string, bucket: TelemetryBucket, from: number, to: number): Promise<UnitConsumptionDto | undefined> {
      const unit = site.units.find((u) => u.id === unitId);
      if (unit === undefined) return undefined;
      const ids = (kind: MeterKind) => unit.devices.filter((d) => meterKindOf[d.kind] === kind).map((d) => d.id);
      const [water, electricity] = await Promise.all([
        series('water.total', bucket, from, to, ids('water.total')),
        series('electricity.total', bucket, from, to, ids('electricity.total')),
      ]);
      return { unitId, water, electricity };
    },
    /** Site-wide water use per minute (m³ per minute, every meter of the site). */
    siteFlow: (from: number, to: number) => series('water.total', 'minute', from, to),
    /** The minimum hourly site-wide use of each of the last nights (L/h), and their median as the baseline. */
    async nightFlow(now: number, nights: number): Promise<NightFlowDto> {
      const offset = zoneOffsetMs(timeZone, now);
      const today = bucketStart(now, DAY, localShiftMs(DAY, offset));
      const results: NightFlowDto['nights'] = [];
      for (let n = nights; n >= 0; n -= 1) {
        const from = today - n * DAY + NIGHT_FROM_HOUR * HOUR;
        const to = Math.min(today - n * DAY + NIGHT_TO_HOUR * HOUR, now);
        if (to - from < HOUR) continue;
        const hourly = await series('water.total', 'hour', from, to);
        if (hourly.points.length === 0) continue;
        const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(from);
        results.push({ date, minLitresPerHour: Math.round(Math.min(...hourly.points.map((p) => p.value)) * 1000 * 10) / 10 });
      }
      return { nights: results, baselineLitresPerHour: median(results.map((r) => r.minLitresPerHour)) };
    },
  };
}

export type TelemetryService = ReturnType<typeof createTelemetryService>;
