import { addressDigits, bcdLowFirst, checksum, hex } from './bcd.ts';

/**
 * CJ/T 188 (2004 and 2018) water, gas and heat meter frames, read as bytes (no zod: hot path).
 *
 *   68 | T | A0…A6 | C | L | DI0 DI1 SER data… | CS | 16        total length L + 13
 *
 * T meter type (0x10–0x19 water, 0x20–0x29 heat, 0x30–0x39 gas), address 7 bytes BCD low byte
 * first, C control (0x81 read reply; bit 6 set = error reply such as 0xC1), CS = sum of the bytes
 * from 68 through the data mod 256 (device-ecosystems.md §6; shiyuecamus/ng-gateway cjt188 codec).
 */
export interface Cjt188Frame {
  readonly protocol: 'cjt188';
  readonly meterType: number;
  /** As printed on the meter: 14 digits, high byte first. */
  readonly address: string;
  readonly control: number;
  /** Data field: DI, SER and the data. */
  readonly data: Uint8Array;
  /** The whole frame, for message ids and dead letters. */
  readonly raw: Uint8Array;
}

export type FrameAttempt<F> =
  | { readonly kind: 'frame'; readonly frame: F; readonly end: number }
  /** Start, length and end byte fit, the checksum does not: skip the whole frame. */
  | { readonly kind: 'checksum'; readonly detail: string; readonly end: number }
  | { readonly kind: 'no-frame' };

const NO_FRAME = { kind: 'no-frame' } as const;

/** Reads a CJ/T 188 frame starting at `start` (a 0x68 byte). */
export function readCjt188At(bytes: Uint8Array, start: number): FrameAttempt<Cjt188Frame> {
  if (bytes[start] !== 0x68) return NO_FRAME;
  const length = bytes[start + 10];
  if (length === undefined) return NO_FRAME;
  const csAt = start + 11 + length;
  if (bytes[csAt + 1] !== 0x16) return NO_FRAME;
  const end = csAt + 2;
  const expected = checksum(bytes, start, csAt);
  if (bytes[csAt] !== expected)
    return {
      kind: 'checksum',
      detail: `CJ/T 188 frame ${hex(bytes, start, end)}: checksum ${hex(bytes, csAt, csAt + 1)}, expected ${hex(Uint8Array.of(expected))}`,
      end,
    };
  return {
    kind: 'frame',
    end,
    frame: {
      protocol: 'cjt188',
      meterType: bytes[start + 1] ?? 0,
      address: addressDigits(bytes, start + 2, 7),
      control: bytes[start + 9] ?? 0,
      data: bytes.subarray(start + 11, csAt),
      raw: bytes.subarray(start, end),
    },
  };
}

/** Volume unit codes → m³ (ng-gateway `Unit::from_code`). Energy units belong to heat meters, not modelled. */
export const cjt188VolumeUnits: ReadonlyMap<number, number> = new Map([
  [0x29, 0.001],
  [0x2a, 0.01],
  [0x2b, 0.1],
  [0x2c, 1],
  [0x2d, 10],
  [0x2e, 100],
]);

export interface Cjt188MeteringData {
  /** Current cumulative flow in m³. */
  readonly totalM3: number;
  /** Settlement-day cumulative flow in m³. */
  readonly settlementM3: number;
  /** Meter clock: local time fields (ss mm hh DD MM YY CC), undefined when all zeros or not BCD. */
  readonly meterTime:
    | { readonly year: number; readonly month: number; readonly day: number; readonly hour: number; readonly minute: number; readonly second: number }
    | undefined;
  /** ST, two bytes as sent; its bits differ between vendors, so it is kept, not interpreted. */
  readonly status: number;
}

export type Read<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: 'bad-frame' | 'impossible-value'; readonly detail: string };

/**
 * DI 901F reply data after DI and SER: current flow (4 BCD XXXXXX.XX + unit), settlement-day flow
 * (4 BCD + unit), real time (7 BCD), status (2 bytes).
 */
export function readCjt188MeteringData(data: Uint8Array, from = 0): Read<Cjt188MeteringData> {
  if (data.length - from < 19) return { ok: false, reason: 'bad-frame', detail: `901F data is ${data.length - from} bytes, expected 19` };
  const current = bcdLowFirst(data, from, 4);
  const settlement = bcdLowFirst(data, from + 5, 4);
  const currentUnit = cjt188VolumeUnits.get(data[from + 4] ?? 0);
  const settlementUnit = cjt188VolumeUnits.get(data[from + 9] ?? 0);
  if (current === undefined || settlement === undefined) return { ok: false, reason: 'bad-frame', detail: `flow is not BCD: ${hex(data, from, from + 9)}` };
  if (currentUnit === undefined || settlementUnit === undefined)
    return { ok: false, reason: 'bad-frame', detail: `unit code ${hex(data, from + 4, from + 5)} is not a volume unit` };
  const t = (i: number) => bcdLowFirst(data, from + 10 + i, 1);
  const [second, minute, hour, day, month, yy, cc] = [t(0), t(1), t(2), t(3), t(4), t(5), t(6)];
  const timeValid =
    second !== undefined && minute !== undefined && hour !== undefined && day !== undefined && month !== undefined && yy !== undefined && cc !== undefined;
  return {
    ok: true,
    value: {
      totalM3: (current / 100) * currentUnit,
      settlementM3: (settlement / 100) * settlementUnit,
      meterTime: timeValid && month > 0 && day > 0 ? { year: cc * 100 + yy, month, day, hour, minute, second } : undefined,
      status: ((data[from + 17] ?? 0) << 8) | (data[from + 18] ?? 0),
    },
  };
}

/** DI 901F in either byte order: 2004 sends `90 1F`, 2018 sends `1F 90` (ng-gateway frame/body.rs). */
export const isMeteringDataDi = (data: Uint8Array): boolean => (data[0] === 0x90 && data[1] === 0x1f) || (data[0] === 0x1f && data[1] === 0x90);

export const isCjt188Water = (meterType: number): boolean => meterType >= 0x10 && meterType <= 0x19;
