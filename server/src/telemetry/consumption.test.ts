import { describe, expect, it } from 'vitest';
import { bucketStart, consumptionPerBucket, localShiftMs, median, zoneOffsetMs } from './consumption.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 24, 0, 0, 0);

describe(consumptionPerBucket.name, () => {
  it.each([
    [
      'one meter, steady use',
      [
        ['m', T0 - H, 10],
        ['m', T0, 10.1],
        ['m', T0 + H, 10.3],
      ],
      [0.1, 0.2],
    ],
    [
      'an empty bucket counts 0 and the reference carries over',
      [
        ['m', T0 - H, 10],
        ['m', T0 + H, 10.5],
      ],
      [0, 0.5],
    ],
    [
      'a reset (meter replaced) counts 0, then counts from the new total',
      [
        ['m', T0 - H, 500],
        ['m', T0, 2],
        ['m', T0 + H, 2.25],
      ],
      [0, 0.25],
    ],
    [
      'two meters add up',
      [
        ['a', T0 - H, 1],
        ['a', T0, 2],
        ['b', T0 - H, 5],
        ['b', T0, 5.5],
        ['b', T0 + H, 6],
      ],
      [1.5, 0.5],
    ],
    [
      'no reference before the range: the first bucket is the reference',
      [
        ['m', T0, 3],
        ['m', T0 + H, 4],
      ],
      [0, 1],
    ],
  ] as const)('%s', (_title, rows, expected) => {
    const lasts = rows.map(([deviceId, t, value]) => ({ deviceId, t, value }));
    expect(consumptionPerBucket(lasts, T0, T0 + 2 * H, H, 0).map((p) => p.value)).toEqual(expected);
  });

  it('lists every bucket start from the range, in order', () => {
    expect(consumptionPerBucket([], T0 + 10, T0 + 2 * H, H, 0).map((p) => p.t)).toEqual([T0, T0 + H]);
  });
});

describe('site-local buckets', () => {
  it('puts day boundaries on Shanghai midnight (16:00 UTC)', () => {
    const offset = zoneOffsetMs('Asia/Shanghai', T0);
    expect(offset).toBe(8 * H);
    const shift = localShiftMs(24 * H, offset);
    expect(shift).toBe(16 * H);
    expect(new Date(bucketStart(Date.UTC(2026, 10, 24, 3), 24 * H, shift)).toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  it('takes the median of an odd and an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
