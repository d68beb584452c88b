import { describe, expect, it } from 'vitest';
import type { OccupancyStatus } from '../site/site-schema.ts';
import { HOUR, MIN, play, type Step, T0, unitDevice } from './testing.ts';
import { vacantUnitElectricity as sut } from './vacant-unit-electricity.ts';

const config = sut.configSchema.parse({});
const total = (value: number) => ({ kind: 'electricity.total', value }) as const;
const power = (value: number) => ({ kind: 'electricity.power', value }) as const;
const R = 'raise vacant-unit-electricity 3-1-1202 P3';
const C = 'clear vacant-unit-electricity 3-1-1202 stays';

describe(sut.id, () => {
  it.each<[string, OccupancyStatus, Step[], string[]]>([
    [
      '社区管家职责 电表异常运转: a vacant unit using more than standby (0.05 kWh per hour) raises P3',
      'vacant',
      [
        [T0, total(1000)],
        [T0 + 30 * MIN, total(1000.04)],
        [T0 + 40 * MIN, total(1000.2)],
      ],
      ['-', '-', R],
    ],
    [
      'standby draw within the allowance is not a finding',
      'vacant',
      [
        [T0, total(1000)],
        [T0 + HOUR, total(1000.04)],
        [T0 + 2 * HOUR, total(1000.08)],
      ],
      ['-', '-', '-'],
    ],
    [
      'an occupied unit may use power',
      'occupied',
      [
        [T0, total(1000)],
        [T0 + 30 * MIN, total(1003)],
      ],
      ['-', '-'],
    ],
    [
      '托管 and 商铺停业 are watched like vacant units (custody shown)',
      'custody',
      [
        [T0, total(1000)],
        [T0 + 10 * MIN, total(1000.5)],
      ],
      ['-', R],
    ],
    [
      'the anomaly clears once a window passes at standby; the order stays (跟进处理结果)',
      'vacant',
      [
        [T0, total(1000)],
        [T0 + 10 * MIN, total(1000.5)],
        [T0 + 50 * MIN, total(1000.5)],
        [T0 + 80 * MIN, total(1000.51)],
      ],
      ['-', R, R, C],
    ],
    [
      'power above standby raises only after holdMinutes (30) without a break',
      'vacant',
      [
        [T0, power(0.3)],
        [T0 + 20 * MIN, power(0.3)],
        [T0 + 30 * MIN, power(0.2)],
        [T0 + 35 * MIN, power(0.01)],
      ],
      ['-', '-', R, C],
    ],
    [
      'a short spike that drops back resets the hold',
      'vacant',
      [
        [T0, power(2)],
        [T0 + 10 * MIN, power(0)],
        [T0 + 20 * MIN, power(2)],
        [T0 + 45 * MIN, power(2)],
      ],
      ['-', '-', '-', '-'],
    ],
    [
      'a meter that reports its register is judged by the register; its power readings do not flap the verdict',
      'vacant',
      [
        [T0, total(1000)],
        [T0 + 10 * MIN, total(1000.5)],
        [T0 + 11 * MIN, power(0)],
        [T0 + 60 * MIN, power(0)],
      ],
      ['-', R, '-', '-'],
    ],
    [
      'a replaced meter (total goes backwards) is not consumption',
      'vacant',
      [
        [T0, total(5000)],
        [T0 + 10 * MIN, total(0.1)],
        [T0 + 20 * MIN, total(0.11)],
      ],
      ['-', '-', '-'],
    ],
  ])('%s', (_title, occupancy, steps, expected) => {
    expect(play(sut, config, unitDevice('electricity-meter', { occupancy }), steps).lines).toEqual(expected);
  });

  it('商铺: a shop’s standby is set per unit type (rulesByUnitType.shop)', () => {
    const shop = sut.configSchema.parse({ standbyKw: 0.6 });
    const steps: Step[] = [
      [T0, total(1000)],
      [T0 + 30 * MIN, total(1000.25)],
    ];
    expect(play(sut, shop, unitDevice('electricity-meter', { occupancy: 'shop-closed', unitType: 'shop' }), steps).lines).toEqual(['-', '-']);
    expect(play(sut, config, unitDevice('electricity-meter', { occupancy: 'shop-closed', unitType: 'shop' }), steps).lines).toEqual(['-', R]);
  });
});
