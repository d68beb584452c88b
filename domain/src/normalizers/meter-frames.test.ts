import { describe, expect, it } from 'vitest';
import { framePayloadBytes, scanMeterFrames } from './meter-frames.ts';
import { bcd, cjt188Frame, dlt645Frame, toHex, utf8 } from './test-support.ts';

const water = cjt188Frame(0x10, '00000000000042', 0x81, [0x1f, 0x90, 0x00, ...bcd(100, 4), 0x2c, ...bcd(0, 4), 0x2c, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const electric = dlt645Frame('000000000007', 0x91, [0x00, 0x00, 0x01, 0x00, ...bcd(100, 4)]);
const join = (...parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe(scanMeterFrames.name, () => {
  it.each<[string, Uint8Array, { frames: string[]; checksumErrors: number; strayBytes: number }]>([
    ['one frame after FE preambles', join([0xfe, 0xfe, 0xfe, 0xfe], electric), { frames: ['dlt645'], checksumErrors: 0, strayBytes: 0 }],
    ['two meters of two standards in one message', join(water, [0xfe, 0xfe], electric), { frames: ['cjt188', 'dlt645'], checksumErrors: 0, strayBytes: 0 }],
    ['garbage before the first 68 (resync)', join([0x00, 0x12, 0x68, 0x99], water), { frames: ['cjt188'], checksumErrors: 0, strayBytes: 4 }],
    ['a frame cut off at the end', join(water, electric.subarray(0, 9)), { frames: ['cjt188'], checksumErrors: 0, strayBytes: 9 }],
    [
      'a bad checksum skips only that frame',
      join(
        electric.map((b, i) => (i === electric.length - 2 ? (b + 1) & 0xff : b)),
        water,
      ),
      { frames: ['cjt188'], checksumErrors: 1, strayBytes: 0 },
    ],
    ['nothing but preambles', Uint8Array.from([0xfe, 0xfe]), { frames: [], checksumErrors: 0, strayBytes: 0 }],
  ])('%s', (_title, bytes, expected) => {
    const scan = scanMeterFrames(bytes);
    expect({ frames: scan.frames.map((f) => f.protocol), checksumErrors: scan.checksumErrors.length, strayBytes: scan.strayBytes }).toEqual(expected);
  });
});

describe(framePayloadBytes.name, () => {
  it.each<[string, string]>([
    ['rs-dlt645 frame.rs try_from_string: irregular whitespace', 'fe  fefefe680200310822206811043255b335d116'],
    ['upper case with spaces and a newline', 'FE FE FE FE 68 02 00 31 08 22 20 68 11 04 32 55 B3 35 D1 16\n'],
  ])('reads hex text: %s', (_title, text) => {
    expect(toHex(framePayloadBytes(utf8(text)) ?? new Uint8Array())).toBe('fe fe fe fe 68 02 00 31 08 22 20 68 11 04 32 55 b3 35 d1 16');
  });

  it('passes raw bytes through (0x68 is no hex digit)', () => {
    expect(framePayloadBytes(electric)).toBe(electric);
  });

  it('refuses hex text with an odd number of digits', () => {
    expect(framePayloadBytes(utf8('68 0'))).toBeUndefined();
  });
});
