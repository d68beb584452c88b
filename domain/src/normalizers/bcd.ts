/** Binary-coded decimal helpers shared by the CJ/T 188 and DL/T 645 frame readers. Pure, no allocation. */

/** Unsigned BCD, low byte first (both standards), as an integer; undefined on a nibble above 9. */
export function bcdLowFirst(bytes: Uint8Array, from: number, count: number): number | undefined {
  let value = 0;
  for (let i = from + count - 1; i >= from; i--) {
    const b = bytes[i];
    if (b === undefined) return undefined;
    const hi = b >> 4;
    const lo = b & 0x0f;
    if (hi > 9 || lo > 9) return undefined;
    value = value * 100 + hi * 10 + lo;
  }
  return value;
}

/** BCD low byte first with the sign in bit 7 of the highest byte (DL/T 645 power, combined energy). */
export function signedBcdLowFirst(bytes: Uint8Array, from: number, count: number): number | undefined {
  const top = bytes[from + count - 1];
  if (top === undefined) return undefined;
  const negative = (top & 0x80) !== 0;
  if (!negative) return bcdLowFirst(bytes, from, count);
  const copy = bytes.slice(from, from + count);
  copy[count - 1] = top & 0x7f;
  const magnitude = bcdLowFirst(copy, 0, count);
  return magnitude === undefined ? undefined : -magnitude;
}

/** Address bytes sent low byte first → the digits as printed on the meter (high byte first). */
export function addressDigits(bytes: Uint8Array, from: number, count: number): string {
  let out = '';
  for (let i = from + count - 1; i >= from; i--) out += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return out;
}

/** Sum of bytes mod 256: the checksum of both standards. */
export function checksum(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum = (sum + (bytes[i] ?? 0)) & 0xff;
  return sum;
}

export const hex = (bytes: Uint8Array, from = 0, to = bytes.length): string => {
  let out = '';
  for (let i = from; i < to; i++) out += `${i > from ? ' ' : ''}${(bytes[i] ?? 0).toString(16).padStart(2, '0').toUpperCase()}`;
  return out;
};
