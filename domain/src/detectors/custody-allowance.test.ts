import { describe, expect, it } from 'vitest';
import type { UnitContext } from '../site/site-index.ts';
import { custodyAllowance as sut } from './custody-allowance.ts';
import { HOUR, play, type Step, T0, unitDevice } from './testing.ts';

const config = sut.configSchema.parse({});
const DAY = 24 * HOUR;
const water = (value: number) => ({ kind: 'water.total', value }) as const;
const power = (value: number) => ({ kind: 'electricity.total', value }) as const;
const custody = (unit: Partial<UnitContext>) => ({ occupancy: 'custody' as const, unit: { occupancySince: '2026-11-01', ...unit } });
const W = 'raise custody-water-allowance 3-1-1202 P3';
const E = 'raise custody-electricity-allowance 3-1-1202 P3';

describe(sut.id, () => {
  it.each<[string, Partial<UnitContext>, Step[], string[]]>([
    [
      '房屋托管: 水表不超过5º — 5.2 m³ since the start reading raises P3',
      { startReadings: { waterM3: 100 } },
      [
        [T0, water(103)],
        [T0 + DAY, water(105)],
        [T0 + 2 * DAY, water(105.2)],
      ],
      ['-', '-', W],
    ],
    ['房屋托管: exactly 5 m³ is within the allowance', { startReadings: { waterM3: 100 } }, [[T0, water(105)]], ['-']],
    [
      '房屋托管: 电表不超过20º — 20.5 kWh raises the electricity rule',
      { startReadings: { electricityKwh: 3000 } },
      [
        [T0, power(3010)],
        [T0 + DAY, power(3020.5)],
      ],
      ['-', E],
    ],
    [
      'raised once per custody period: further use does not repeat it',
      { startReadings: { waterM3: 100 } },
      [
        [T0, water(106)],
        [T0 + DAY, water(107)],
      ],
      [W, '-'],
    ],
    [
      'without start readings the count starts at the first reading seen in custody',
      {},
      [
        [T0, water(500)],
        [T0 + DAY, water(504)],
        [T0 + 2 * DAY, water(505.5)],
      ],
      ['-', '-', W],
    ],
    [
      'a meter replaced during custody: the new meter’s start is not consumption, the use before it still counts',
      { startReadings: { waterM3: 100 } },
      [
        [T0, water(103)],
        [T0 + DAY, water(0.5)],
        [T0 + 2 * DAY, water(2.6)],
      ],
      ['-', '-', W],
    ],
    [
      'a late reading from before custody began counts nothing',
      { occupancySince: '2026-11-20', startReadings: { waterM3: 100 } },
      [
        [Date.parse('2026-11-19T02:00:00Z'), water(90)],
        [T0, water(101)],
      ],
      ['-', '-'],
    ],
  ])('%s', (_title, unit, steps, expected) => {
    const device = unitDevice(steps.some(([, r]) => r !== 'tick' && r.kind === 'electricity.total') ? 'electricity-meter' : 'water-meter', custody(unit));
    expect(play(sut, config, device, steps).lines).toEqual(expected);
  });

  it('a unit that is not in custody is not counted', () => {
    expect(
      play(sut, config, unitDevice('water-meter', { occupancy: 'vacant' }), [
        [T0, water(1)],
        [T0 + DAY, water(100)],
      ]).lines,
    ).toEqual(['-', '-']);
  });

  it('when custody ends (site file changed) an open finding clears and the order stays with people', () => {
    const inCustody = unitDevice('water-meter', custody({ startReadings: { waterM3: 0 } }));
    const occupied = unitDevice('water-meter', { occupancy: 'occupied' });
    expect(
      play(sut, config, inCustody, [
        [T0, water(6)],
        [T0 + DAY, water(7), occupied],
      ]).lines,
    ).toEqual([W, 'clear custody-water-allowance 3-1-1202 stays']);
  });

  it('a new custody period (new since date) starts a new count', () => {
    const first = unitDevice('water-meter', custody({ startReadings: { waterM3: 0 } }));
    const second = unitDevice('water-meter', custody({ occupancySince: '2026-12-01', startReadings: { waterM3: 6 } }));
    expect(
      play(sut, config, first, [
        [T0, water(6)],
        [Date.parse('2026-12-02T00:00:00Z'), water(8), second],
      ]).lines,
    ).toEqual([W, '-']);
  });

  it('evidence names the use, the allowance and where the count started', () => {
    const { events } = play(sut, config, unitDevice('water-meter', custody({ startReadings: { waterM3: 100 } })), [[T0, water(105.5)]]);
    expect(events[0]?.[0]).toMatchObject({ evidence: { used: 5.5, allowance: 5, measuredIn: 'm3', since: '2026-11-01', baseline: 'start reading' } });
  });
});
