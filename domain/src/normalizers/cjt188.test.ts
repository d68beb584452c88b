import { describe, expect, it } from 'vitest';
import { isMeteringDataDi, readCjt188At, readCjt188MeteringData } from './cjt188.ts';
import { bcd, cjt188Frame } from './test-support.ts';

/** shiyuecamus/ng-gateway@a921c6d ng-gateway-southward/cjt188/src/codec/di_parser.rs `test_parse_water_meter_901f`: data field after DI+SER. */
const NG_GATEWAY_901F = Uint8Array.from([0x00, 0x34, 0x12, 0x00, 0x2c, 0x00, 0x00, 0x10, 0x00, 0x2c, 0x00, 0x30, 0x14, 0x08, 0x01, 0x26, 0x20, 0x00, 0x00]);

const meteringData = (totalCentiUnits: number, unit: number) => [...bcd(totalCentiUnits, 4), unit, ...bcd(0, 4), 0x2c, 0, 0, 0, 0, 0, 0, 0, 0, 0];

describe(readCjt188MeteringData.name, () => {
  it('ng-gateway di_parser.rs test_parse_water_meter_901f: 1234.00 m³, settlement 1000.00 m³, 2026-01-08 14:30:00', () => {
    const result = readCjt188MeteringData(NG_GATEWAY_901F);
    expect(result).toEqual({
      ok: true,
      value: { totalM3: 1234, settlementM3: 1000, meterTime: { year: 2026, month: 1, day: 8, hour: 14, minute: 30, second: 0 }, status: 0 },
    });
  });

  it.each<[string, number, number]>([
    ['0x29 litres', 0x29, 1.234],
    ['0x2A ×10 L', 0x2a, 12.34],
    ['0x2B ×100 L', 0x2b, 123.4],
    ['0x2C m³', 0x2c, 1234],
    ['0x2D ×10 m³', 0x2d, 12340],
    ['0x2E ×100 m³', 0x2e, 123400],
  ])('honours unit code %s', (_title, unit, expected) => {
    const result = readCjt188MeteringData(Uint8Array.from(meteringData(123400, unit)));
    expect(result.ok && result.value.totalM3).toBeCloseTo(expected, 9);
  });

  it.each<[string, number[], string]>([
    ['a nibble above 9', [0x0e, 0, 0, 0, 0x2c, ...meteringData(0, 0x2c).slice(5)], 'bad-frame'],
    ['an energy unit on a water register', meteringData(100, 0x05), 'bad-frame'],
    ['a short data field', meteringData(100, 0x2c).slice(0, 12), 'bad-frame'],
  ])('rejects %s', (_title, data, reason) => {
    const result = readCjt188MeteringData(Uint8Array.from(data));
    expect(result.ok ? 'accepted' : result.reason).toBe(reason);
  });

  it('leaves the meter time undefined when the meter clock is all zeros', () => {
    const result = readCjt188MeteringData(Uint8Array.from(meteringData(100, 0x2c)));
    expect(result.ok && result.value.meterTime).toBeUndefined();
  });
});

describe(readCjt188At.name, () => {
  it('reads type, address (printed order), control and data of a built frame', () => {
    const frame = cjt188Frame(0x10, '12345678901234', 0x81, [0x90, 0x1f, 0x00, ...NG_GATEWAY_901F]);
    const result = readCjt188At(frame, 0);
    expect(result.kind === 'frame' && [result.frame.meterType, result.frame.address, result.frame.control, result.frame.data.length, result.end]).toEqual([
      0x10,
      '12345678901234',
      0x81,
      22,
      frame.length,
    ]);
  });

  it('reports a wrong checksum with the frame length so the scanner skips the frame', () => {
    const frame = cjt188Frame(0x10, '1', 0x81, [0x90, 0x1f, 0x00]);
    frame[frame.length - 2] = ((frame[frame.length - 2] ?? 0) + 1) & 0xff;
    expect(readCjt188At(frame, 0)).toMatchObject({ kind: 'checksum', end: frame.length });
  });

  it('finds no frame when the end byte is missing (cut off)', () => {
    const frame = cjt188Frame(0x10, '1', 0x81, [0x90, 0x1f, 0x00]);
    expect(readCjt188At(frame.subarray(0, frame.length - 1), 0).kind).toBe('no-frame');
  });
});

describe(isMeteringDataDi.name, () => {
  it.each<[string, number[], boolean]>([
    ['CJ/T 188-2004 order 90 1F', [0x90, 0x1f], true],
    ['CJ/T 188-2018 order 1F 90', [0x1f, 0x90], true],
    ['another DI', [0x90, 0x20], false],
  ])('%s', (_title, di, expected) => {
    expect(isMeteringDataDi(Uint8Array.from(di))).toBe(expected);
  });
});
