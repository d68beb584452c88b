import { describe, expect, it } from 'vitest';
import { tamper as sut } from './tamper.ts';
import { play, type Step, T0, unitDevice } from './testing.ts';

const config = sut.configSchema.parse({});
const tampered = (active: boolean) => ({ kind: 'tamper', active }) as const;

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    ['SPEC §5 防拆: a tamper flag raises P3 for maintenance', [[T0, tampered(true)]], ['raise tamper leak-sensor-3-1-1202 P3']],
    [
      'closed again clears; maintenance still looks at it',
      [
        [T0, tampered(true)],
        [T0 + 1000, tampered(false)],
      ],
      ['raise tamper leak-sensor-3-1-1202 P3', 'clear tamper leak-sensor-3-1-1202 stays'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, unitDevice('leak-sensor'), steps).lines).toEqual(expected);
  });
});
