import type { Reading } from '@dutyroom/domain';
import { describe, expect, it } from 'vitest';
import { clockRule, impossibleValue, RecentKeys } from './reading-guard.ts';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);
const meta = { siteId: 's', deviceId: 'wm-1', ts: T0, deviceTs: T0, receivedAt: T0, drill: false, idempotencyKey: 'k' };
const reading = (body: object, times: Partial<typeof meta> = {}) => ({ ...meta, ...times, ...body }) as Reading;

describe(impossibleValue.name, () => {
  it.each<[string, Reading, boolean]>([
    ['a water register', reading({ kind: 'water.total', value: 12.5 }), false],
    ['a negative water register', reading({ kind: 'water.total', value: -0.001 }), true],
    ['NaN electricity', reading({ kind: 'electricity.total', value: Number.NaN }), true],
    ['infinite flow', reading({ kind: 'water.flow', value: Number.POSITIVE_INFINITY }), true],
    ['negative flow', reading({ kind: 'water.flow', value: -1 }), true],
    ['negative power is solar export', reading({ kind: 'electricity.power', value: -2.5 }), false],
    ['battery 101 %', reading({ kind: 'battery', percent: 101, low: false }), true],
    ['battery unknown but low', reading({ kind: 'battery', percent: undefined, low: true }), false],
    ['a fire alarm', reading({ kind: 'fire', event: 'alarm', zone: 'z1', point: undefined }), false],
    ['a NaN timestamp', reading({ kind: 'heartbeat' }, { ts: Number.NaN }), true],
  ])('%s', (_title, r, impossible) => {
    expect(impossibleValue(r) !== undefined).toBe(impossible);
  });
});

describe(clockRule.name, () => {
  it.each<[string, Partial<typeof meta>, string | undefined]>([
    ['the device clock was trusted', {}, undefined],
    ['a day ahead: the broker time was used', { ts: T0, deviceTs: T0 + 86_400_000 }, 'timestamp-future'],
    ['a month behind: the broker time was used', { ts: T0, deviceTs: T0 - 30 * 86_400_000 }, 'timestamp-past'],
    ['clock: broker, within bounds: not a clock fault', { ts: T0, deviceTs: T0 - 60_000 }, undefined],
  ])('%s', (_title, times, rule) => {
    expect(clockRule(reading({ kind: 'heartbeat' }, times))).toBe(rule);
  });
});

describe(RecentKeys.name, () => {
  it('recognises a key within the window and forgets it after two', () => {
    const sut = new RecentKeys(1000, 60_000);
    expect([sut.seen('a', T0), sut.seen('a', T0 + 1000), sut.seen('a', T0 + 61_000)]).toEqual([false, true, true]);
    expect(sut.seen('a', T0 + 125_000)).toBe(false);
  });

  it('turns a generation over when it is full', () => {
    const sut = new RecentKeys(2, 60_000);
    for (const key of ['a', 'b', 'c', 'd', 'e']) sut.seen(key, T0);
    expect([sut.seen('a', T0), sut.seen('e', T0)]).toEqual([false, true]);
  });
});
