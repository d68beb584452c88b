import { describe, expect, it } from 'vitest';
import { emptyRegister, stepRegister } from '../meters/register.ts';
import { meterRegister as sut } from './meter-register.ts';
import { HOUR, MIN, play, reading, type Step, T0, unitDevice } from './testing.ts';

const config = sut.configSchema.parse({});
const water = (value: number) => ({ kind: 'water.total', value }) as const;
const power = (value: number) => ({ kind: 'electricity.total', value }) as const;

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    [
      'SPEC §5 counter went backwards: a small step back on a meter that kept reporting is P4 for maintenance, once',
      [
        [T0, water(100.5)],
        [T0 + MIN, water(100.2)],
        [T0 + 2 * MIN, water(100.21)],
      ],
      ['-', 'raise counter-backwards water-meter-3-1-1202 P4', '-'],
    ],
    [
      'a register back at ~0 after a reboot (Tasmota, pulse module, DTU re-base) is a reset: re-based, no finding',
      [
        [T0, water(1234.5)],
        [T0 + MIN, water(0.01)],
        [T0 + 2 * MIN, water(0.02)],
      ],
      ['-', '-', '-'],
    ],
    [
      'a replaced meter (an unrelated lower total, further back than it could run) is re-based, no finding',
      [
        [T0, water(1234.5)],
        [T0 + 3 * HOUR, water(17.3)],
        [T0 + 3 * HOUR + MIN, water(17.31)],
      ],
      ['-', '-', '-'],
    ],
    [
      'a plausible step back after a silence (a rebooted device restored an older count) is a reset, no finding',
      [
        [T0, water(100.5)],
        [T0 + 2 * HOUR, water(100.2)],
      ],
      ['-', '-'],
    ],
    [
      'a catch-up after a long gap, plausible for the gap, is consumption, not a jump',
      [
        [T0, water(100)],
        [T0 + 12 * HOUR, water(104)],
      ],
      ['-', '-'],
    ],
    [
      'an implausible jump (80 m³ in a minute) is a meter-jump finding, not consumption',
      [
        [T0, water(100)],
        [T0 + MIN, water(180)],
        [T0 + 2 * MIN, water(180.01)],
      ],
      ['-', 'raise meter-jump water-meter-3-1-1202 P4', '-'],
    ],
    [
      'rollover, duplicates and late readings are handled silently',
      [
        [T0, water(999_999.9)],
        [T0 + MIN, water(0.05)],
        [T0 + MIN, water(0.05)],
        [T0 + 30_000, water(999_999.95)],
      ],
      ['-', '-', '-', '-'],
    ],
    [
      'electricity registers have their own plausibility bound (500 kWh per hour)',
      [
        [T0, power(1000)],
        [T0 + HOUR, power(1300)],
        [T0 + HOUR + MIN, power(1400)],
      ],
      ['-', '-', 'raise meter-jump water-meter-3-1-1202 P4'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, unitDevice('water-meter'), steps).lines).toEqual(expected);
  });

  it('evidence gives the kind, from, to and how far back, for the new start reading', () => {
    const { events } = play(sut, config, unitDevice('water-meter'), [
      [T0, water(50)],
      [T0 + MIN, water(49.7)],
    ]);
    expect(events[1]?.[0]).toMatchObject({
      evidence: { kind: 'backwards', from: 50, to: 49.7, back: 0.3, minutesSincePrevious: 1, measuredIn: 'm3', unit: '3-1-1202' },
    });
  });

  it('evidence names the meter’s previous discontinuity (the register’s `last`)', () => {
    const device = unitDevice('water-meter');
    const register = emptyRegister();
    stepRegister(register, 50, T0);
    register.last = { kind: 'reset', from: 1234.5, to: 0.2, at: T0 - HOUR };
    const meter = stepRegister(register, 49.9, T0 + MIN);
    const events = sut.onReading({}, reading(device, T0 + MIN, water(49.9)), { config, device, now: T0 + MIN, meter });
    expect(events[0]).toMatchObject({ rule: 'counter-backwards', evidence: { lastBreak: 'reset', lastBreakAt: T0 - HOUR } });
  });

  it('a meter with a long heartbeat kept reporting within two of its intervals (a daily NB-IoT meter)', () => {
    const daily = unitDevice('water-meter', { device: { heartbeatSeconds: 24 * 3600 } });
    expect(
      play(sut, config, daily, [
        [T0, water(100.5)],
        [T0 + 24 * HOUR, water(100.2)],
      ]).lines,
    ).toEqual(['-', 'raise counter-backwards water-meter-3-1-1202 P4']);
  });

  it('the classification bounds are configurable (seed defaults: resetMax 1, kept reporting 60 min)', () => {
    expect(config).toMatchObject({ meterResetMax: 1, meterKeptReportingMinutes: 60 });
    const strict = sut.configSchema.parse({ meterResetMax: 0, meterKeptReportingMinutes: 180 });
    expect(
      play(sut, strict, unitDevice('water-meter'), [
        [T0, water(100.5)],
        [T0 + 2 * HOUR, water(100.2)],
        [T0 + 2 * HOUR + MIN, water(0.5)],
      ]).lines,
    ).toEqual(['-', 'raise counter-backwards water-meter-3-1-1202 P4', '-']);
  });
});
