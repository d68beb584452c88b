import { describe, expect, it } from 'vitest';
import type { FireEvent, FirePoint } from '../model/reading.ts';
import { fire as sut } from './fire.ts';
import { areaDevice, MIN, play, type Step, T0 } from './testing.ts';

const config = sut.configSchema.parse({});
const panel = areaDevice('fire-panel', 'fp-1', { zone: 'B3' });
const smokeA = areaDevice('smoke-detector', 'sd-a', { zone: 'B3-F12' });
const smokeB = areaDevice('smoke-detector', 'sd-b', { zone: 'B3-F12' });
const smokeOther = areaDevice('smoke-detector', 'sd-c', { zone: 'B3-F13' });

const point = (p: number, deviceType = 'smoke'): FirePoint => ({ controller: 1, loop: 2, point: p, deviceType });
const ev = (event: FireEvent, zone?: string, p?: FirePoint) => ({ kind: 'fire', event, zone, point: p }) as const;

const ALARM = (zone: string) => `raise fire-alarm ${zone} P1`;
const CONFIRMED = (zone: string) => `raise fire-confirmed ${zone} P1`;

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    ['SPEC §5 火警: one detector in alarm raises fire-alarm P1 for its zone', [[T0, ev('alarm'), smokeA]], [ALARM('B3-F12')]],
    [
      'SPEC §5: two detectors of one zone within 10 minutes escalate to a confirmed fire P1',
      [
        [T0, ev('alarm'), smokeA],
        [T0 + 4 * MIN, ev('alarm'), smokeB],
      ],
      [ALARM('B3-F12'), `${ALARM('B3-F12')} | ${CONFIRMED('B3-F12')}`],
    ],
    [
      'two detectors more than 10 minutes apart do not confirm each other',
      [
        [T0, ev('alarm'), smokeA],
        [T0 + 11 * MIN, ev('alarm'), smokeB],
      ],
      [ALARM('B3-F12'), ALARM('B3-F12')],
    ],
    [
      'two detectors in different zones do not confirm each other',
      [
        [T0, ev('alarm'), smokeA],
        [T0 + MIN, ev('alarm'), smokeOther],
      ],
      [ALARM('B3-F12'), ALARM('B3-F13')],
    ],
    [
      'the same detector alarming twice is one point, not a confirmation — but each alarm raises (never suppressed)',
      [
        [T0, ev('alarm'), smokeA],
        [T0 + MIN, ev('alarm'), smokeA],
      ],
      [ALARM('B3-F12'), ALARM('B3-F12')],
    ],
    [
      'GB/T 26875 panel points: two points of one panel zone confirm; the panel names the zone',
      [
        [T0, ev('alarm', 'B3-F7', point(11)), panel],
        [T0 + 2 * MIN, ev('alarm', 'B3-F7', point(12)), panel],
      ],
      [ALARM('B3-F7'), `${ALARM('B3-F7')} | ${CONFIRMED('B3-F7')}`],
    ],
    ['a panel point without a zone falls in the panel’s default zone from the site file', [[T0, ev('alarm', undefined, point(3)), panel]], [ALARM('B3')]],
    [
      'SPEC §5: fault opens a maintenance-grade finding (P3 for the point), not a fire',
      [[T0, ev('fault', 'B3-F7', point(11)), panel]],
      ['raise fire-fault fp-1:1-2-11 P3'],
    ],
    [
      'SPEC §5: supervisory (监管) is maintenance-grade too',
      [[T0, ev('supervisory', 'B3-F7', point(40, 'sprinkler-valve')), panel]],
      ['raise fire-fault fp-1:1-2-40 P3'],
    ],
    [
      'a fault and an alarm in one zone: the fault never counts toward a confirmed fire',
      [
        [T0, ev('fault', 'B3-F7', point(11)), panel],
        [T0 + MIN, ev('alarm', 'B3-F7', point(12)), panel],
      ],
      ['raise fire-fault fp-1:1-2-11 P3', ALARM('B3-F7')],
    ],
    ['a test activation raises nothing', [[T0, ev('test'), smokeA]], ['-']],
    [
      'an alarm during a test still raises P1 (fire alarms are never suppressed)',
      [
        [T0, ev('test'), smokeA],
        [T0 + MIN, ev('alarm'), smokeA],
      ],
      ['-', ALARM('B3-F12')],
    ],
    [
      'reset clears the zone’s alarm, confirmation and faults; the orders stay (security confirms and reports)',
      [
        [T0, ev('alarm', 'B3-F7', point(11)), panel],
        [T0 + MIN, ev('alarm', 'B3-F7', point(12)), panel],
        [T0 + 2 * MIN, ev('fault', 'B3-F7', point(13)), panel],
        [T0 + 5 * MIN, ev('reset', 'B3-F7'), panel],
      ],
      [
        ALARM('B3-F7'),
        `${ALARM('B3-F7')} | ${CONFIRMED('B3-F7')}`,
        'raise fire-fault fp-1:1-2-13 P3',
        'clear fire-alarm B3-F7 stays | clear fire-confirmed B3-F7 stays | clear fire-fault fp-1:1-2-13 stays',
      ],
    ],
    [
      'after a reset, one new alarm is a new fire-alarm, not a confirmation with the points before it',
      [
        [T0, ev('alarm'), smokeA],
        [T0 + MIN, ev('reset'), smokeA],
        [T0 + 2 * MIN, ev('alarm'), smokeB],
      ],
      [ALARM('B3-F12'), 'clear fire-alarm B3-F12 stays', ALARM('B3-F12')],
    ],
    [
      'a late reset (older than the latest alarm) clears nothing',
      [
        [T0 + 2 * MIN, ev('alarm'), smokeA],
        [T0 + MIN, ev('reset'), smokeA],
      ],
      [ALARM('B3-F12'), '-'],
    ],
    [
      'a late alarm still raises (never suppressed)',
      [
        [T0 + 5 * MIN, ev('reset'), smokeA],
        [T0, ev('alarm'), smokeB],
      ],
      ['-', ALARM('B3-F12')],
    ],
    ['a reset with nothing open says nothing', [[T0, ev('reset'), smokeA]], ['-']],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, panel, steps).lines).toEqual(expected);
  });

  it('three points needed when the site says so (confirmPoints: 3)', () => {
    const three = sut.configSchema.parse({ confirmPoints: 3 });
    const smokeC = areaDevice('smoke-detector', 'sd-d', { zone: 'B3-F12' });
    const { lines } = play(sut, three, panel, [
      [T0, ev('alarm'), smokeA],
      [T0 + MIN, ev('alarm'), smokeB],
      [T0 + 2 * MIN, ev('alarm'), smokeC],
    ]);
    expect(lines).toEqual([ALARM('B3-F12'), ALARM('B3-F12'), `${ALARM('B3-F12')} | ${CONFIRMED('B3-F12')}`]);
  });

  it('evidence: the point, its device type, the points in alarm, and whether a test was running', () => {
    const { events } = play(sut, config, panel, [
      [T0, ev('test', 'B3-F7'), panel],
      [T0 + MIN, ev('alarm', 'B3-F7', point(11, 'manual-call-point')), panel],
      [T0 + 2 * MIN, ev('alarm', 'B3-F7', point(12)), panel],
    ]);
    expect(events[1]?.[0]).toMatchObject({
      evidence: { zone: 'B3-F7', point: 'fp-1:1-2-11', deviceType: 'manual-call-point', pointsInAlarm: 1, duringTest: true },
    });
    expect(events[2]?.[1]).toMatchObject({ rule: 'fire-confirmed', evidence: { pointsInAlarm: 2, points: 'fp-1:1-2-11,fp-1:1-2-12' } });
  });

  it('a zone’s state stays bounded during an alarm storm (a hundred points)', () => {
    const steps: Step[] = Array.from({ length: 100 }, (_, i) => [T0 + i * 1000, ev('alarm', 'B3-F7', point(i)), panel] as const);
    const { states, lines } = play(sut, config, panel, steps);
    expect(lines.every((l) => l.startsWith(ALARM('B3-F7')))).toBe(true);
    expect(JSON.stringify(states.get('zone:B3-F7')).length).toBeLessThan(1024);
  });
});
