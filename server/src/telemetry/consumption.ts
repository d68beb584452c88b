import type { SeriesPoint } from '@dutyroom/domain';
import type { BucketLast } from './telemetry-reader.ts';

/** Start of the bucket holding `t`, with boundaries at k·size + shift. */
export const bucketStart = (t: number, sizeMs: number, shiftMs: number): number => Math.floor((t - shiftMs) / sizeMs) * sizeMs + shiftMs;

/**
 * Consumption per bucket, summed over devices, from each device's last cumulative total per
 * bucket. A bucket's consumption is its last total minus the previous known total of the same
 * device (the buckets before `from` serve as the reference only). A total lower than the one
 * before means the meter was replaced or reset: that step counts as zero and the new total
 * becomes the reference, so a reset never shows as a huge or negative consumption.
 * Every bucket from `from` to `to` is present, empty ones as 0.
 */
export function consumptionPerBucket(lasts: readonly BucketLast[], from: number, to: number, sizeMs: number, shiftMs: number): SeriesPoint[] {
  const first = bucketStart(from, sizeMs, shiftMs);
  const sums = new Map<number, number>();
  for (let t = first; t < to; t += sizeMs) sums.set(t, 0);
  const byDevice = new Map<string, BucketLast[]>();
  for (const last of lasts) {
    const list = byDevice.get(last.deviceId);
    if (list === undefined) byDevice.set(last.deviceId, [last]);
    else list.push(last);
  }
  for (const list of byDevice.values()) {
    list.sort((a, b) => a.t - b.t);
    let previous: number | undefined;
    for (const { t, value } of list) {
      const step = previous === undefined || value < previous ? 0 : value - previous;
      previous = value;
      const held = sums.get(t);
      if (held !== undefined) sums.set(t, held + step);
    }
  }
  // Rounded to 0.1 L / 0.1 Wh: float sums of many meters would otherwise differ in the last digits.
  return [...sums.entries()].map(([t, value]) => ({ t, value: Math.round(value * 10_000) / 10_000 }));
}

/** Offset of a time zone from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(timeZone: string, at: number): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (match === null) return 0;
  const sign = match[1] === '-' ? -1 : 1;
  return sign * (Number(match[2]) * 3_600_000 + Number(match[3]) * 60_000);
}

/** Shift that puts bucket boundaries on the site's local hour or midnight. */
export const localShiftMs = (sizeMs: number, offsetMs: number): number => ((-offsetMs % sizeMs) + sizeMs) % sizeMs;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
