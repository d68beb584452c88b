/**
 * Byte-level helpers for the meter frames of CJ/T 188 and DL/T 645: BCD, checksums, hex text.
 * Both standards send multi-byte numbers and addresses low byte first.
 */

/** One byte of two BCD digits: 42 → 0x42. */
export const bcdByte = (n: number): number => {
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new RangeError(`BCD byte out of range: ${n}`);
  return ((n / 10) | 0) * 16 + (n % 10);
};

/**
 * An unsigned decimal as `bytes` BCD bytes, low byte first, with `decimals` implied decimals:
 * 1234.00 with 4 bytes and 2 decimals → 00 34 12 00. Registers roll over like the meter's own
 * display (CJ/T 188 and DL/T 645 totals wrap at 999999.99).
 */
export function bcdLowFirst(value: number, bytes: number, decimals: number): number[] {
  const modulus = 10 ** (bytes * 2);
  let digits = Math.round(value * 10 ** decimals) % modulus;
  const out: number[] = [];
  for (let i = 0; i < bytes; i++) {
    out.push(bcdByte(digits % 100));
    digits = Math.floor(digits / 100);
  }
  return out;
}

/** A meter address written in display order ("202208310002") as wire bytes, low byte first. */
export function addressLowFirst(address: string, bytes: number): number[] {
  if (!new RegExp(`^\\d{${bytes * 2}}$`).test(address)) throw new RangeError(`a meter address of ${bytes * 2} digits, not "${address}"`);
  const out: number[] = [];
  for (let i = address.length - 2; i >= 0; i -= 2) out.push(Number.parseInt(address.slice(i, i + 2), 16));
  return out;
}

/** CJ/T 188 and DL/T 645: the sum of the bytes from the first 68 through the data, mod 256. */
export const checksum = (bytes: readonly number[]): number => bytes.reduce((sum, b) => (sum + b) & 0xff, 0);

/** Upper-case hex with a space between bytes, as concentrators and DTUs print frames. */
export const toHex = (bytes: readonly number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');

export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Wall-clock fields in a time zone: meters keep local time (Asia/Shanghai), not UTC. */
export function localTime(ts: number, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ts));
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? '0');
  return { year: field('year'), month: field('month'), day: field('day'), hour: field('hour'), minute: field('minute'), second: field('second') };
}
