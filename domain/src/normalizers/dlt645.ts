import { addressDigits, bcdLowFirst, checksum, hex, signedBcdLowFirst } from './bcd.ts';
import type { FrameAttempt } from './cjt188.ts';

/**
 * DL/T 645-2007 (and -1997) electric meter frames, read as bytes (no zod: hot path).
 *
 *   68 | A0…A5 | 68 | C | L | DATA (each byte + 0x33) | CS | 16        total length L + 12
 *
 * Address 6 bytes BCD low byte first; CS = sum from the first 68 through DATA mod 256. C (2007):
 * 0x91 reply, 0xB1 reply with follow-up, 0xD1 error reply; (1997): 0x81, 0xA1, 0xC1. A 2007 DI is
 * 4 bytes low first, a 1997 DI 2 bytes (device-ecosystems.md §7; fdxxw/rs-dlt645 frame.rs).
 */
export interface Dlt645Frame {
  readonly protocol: 'dlt645';
  /** As printed on the meter: 12 digits, high byte first. */
  readonly address: string;
  readonly control: number;
  /** DATA with the 0x33 offset removed. */
  readonly data: Uint8Array;
  readonly raw: Uint8Array;
}

export function readDlt645At(bytes: Uint8Array, start: number): FrameAttempt<Dlt645Frame> {
  if (bytes[start] !== 0x68 || bytes[start + 7] !== 0x68) return { kind: 'no-frame' };
  const length = bytes[start + 9];
  if (length === undefined) return { kind: 'no-frame' };
  const csAt = start + 10 + length;
  if (bytes[csAt + 1] !== 0x16) return { kind: 'no-frame' };
  const end = csAt + 2;
  const expected = checksum(bytes, start, csAt);
  if (bytes[csAt] !== expected)
    return {
      kind: 'checksum',
      detail: `DL/T 645 frame ${hex(bytes, start, end)}: checksum ${hex(bytes, csAt, csAt + 1)}, expected ${hex(Uint8Array.of(expected))}`,
      end,
    };
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = ((bytes[start + 10 + i] ?? 0) - 0x33) & 0xff;
  return {
    kind: 'frame',
    end,
    frame: { protocol: 'dlt645', address: addressDigits(bytes, start + 1, 6), control: bytes[start + 8] ?? 0, data, raw: bytes.subarray(start, end) },
  };
}

export type Dlt645Value =
  | { readonly kind: 'request' }
  | { readonly kind: 'energy'; readonly kWh: number; readonly di: string }
  | { readonly kind: 'power'; readonly kW: number; readonly di: string }
  | { readonly kind: 'error'; readonly detail: string }
  | { readonly kind: 'unsupported'; readonly detail: string };

/** 2007 error byte bits (DL/T 645-2007 §7.1 abnormal reply). */
const errorBits: readonly [number, string][] = [
  [0x01, 'other error'],
  [0x02, 'no data requested'],
  [0x04, 'password wrong or unauthorised'],
  [0x08, 'baud rate cannot be changed'],
  [0x10, 'too many year time zones'],
  [0x20, 'too many day periods'],
  [0x40, 'too many tariffs'],
];

const describeError = (code: number | undefined): string =>
  code === undefined
    ? 'no error code'
    : `error 0x${code.toString(16).padStart(2, '0')}: ${
        errorBits
          .filter(([bit]) => code & bit)
          .map(([, text]) => text)
          .join(', ') || 'unspecified'
      }`;

/** What a frame says: a request (nothing to record), an energy or power value, or an error reply. */
export function interpretDlt645(frame: Dlt645Frame): Dlt645Value {
  const c = frame.control;
  if ((c & 0x80) === 0) return { kind: 'request' };
  const fn = c & 0x1f;
  const isError = (c & 0x40) !== 0;
  const d = frame.data;
  if (fn === 0x11) {
    if (isError) return { kind: 'error', detail: `DL/T 645-2007 meter ${frame.address}: ${describeError(d[0])}` };
    const di = `${hex(d, 3, 4)}${hex(d, 2, 3)}${hex(d, 1, 2)}${hex(d, 0, 1)}`;
    // 00 01 00 00 forward active total, 00 01 FF 00 its block (total first), 00 00 00 00 combined active total.
    if (di === '00010000' || di === '0001FF00' || di === '00000000') {
      // Only the combined total carries a sign (bit 7 of its highest byte); forward energy is unsigned.
      const v = di === '00000000' ? signedBcdLowFirst(d, 4, 4) : bcdLowFirst(d, 4, 4);
      return v === undefined ? { kind: 'unsupported', detail: `DI ${di}: not BCD (${hex(d, 4, 8)})` } : { kind: 'energy', kWh: v / 100, di };
    }
    if (di === '02030000') {
      const v = signedBcdLowFirst(d, 4, 3);
      return v === undefined ? { kind: 'unsupported', detail: `DI ${di}: not BCD (${hex(d, 4, 7)})` } : { kind: 'power', kW: v / 10_000, di };
    }
    return { kind: 'unsupported', detail: `DL/T 645-2007 DI ${di} is not read by the ingest` };
  }
  if (fn === 0x01) {
    if (isError) return { kind: 'error', detail: `DL/T 645-1997 meter ${frame.address}: ${describeError(d[0])}` };
    const di = `${hex(d, 1, 2)}${hex(d, 0, 1)}`;
    if (di === '9010') {
      const v = bcdLowFirst(d, 2, 4);
      return v === undefined ? { kind: 'unsupported', detail: `DI ${di}: not BCD` } : { kind: 'energy', kWh: v / 100, di };
    }
    if (di === 'B630') {
      const v = signedBcdLowFirst(d, 2, 3);
      return v === undefined ? { kind: 'unsupported', detail: `DI ${di}: not BCD` } : { kind: 'power', kW: v / 10_000, di };
    }
    return { kind: 'unsupported', detail: `DL/T 645-1997 DI ${di} is not read by the ingest` };
  }
  return { kind: 'unsupported', detail: `DL/T 645 control code 0x${c.toString(16)} is not a read reply` };
}
