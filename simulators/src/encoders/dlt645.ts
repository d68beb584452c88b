import { addressLowFirst, bcdLowFirst, checksum } from './frames.ts';

/**
 * DL/T 645-2007 electricity-meter normal reply (C = 0x91) to "read forward active total energy"
 * (正向有功总电能, DI 00 01 00 00): `FE FE FE FE 68 A0..A5 68 91 L DI+33 value+33 CS 16`.
 * Every data byte is sent +0x33; the DI and the value (4 BCD, XXXXXX.XX kWh) go low byte first.
 */
const CONTROL_READ_REPLY = 0x91;
/** DI3 DI2 DI1 DI0 = 00 01 00 00, sent DI0 first. */
const DI_FORWARD_ACTIVE_TOTAL = [0x00, 0x00, 0x01, 0x00];

export interface Dlt645Reading {
  /** 12-digit address in display order (as printed on the meter). */
  readonly address: string;
  readonly totalKwh: number;
}

export function encodeDlt645Reply(reading: Dlt645Reading): number[] {
  const data = [...DI_FORWARD_ACTIVE_TOTAL, ...bcdLowFirst(reading.totalKwh, 4, 2)].map((b) => (b + 0x33) & 0xff);
  const body = [0x68, ...addressLowFirst(reading.address, 6), 0x68, CONTROL_READ_REPLY, data.length, ...data];
  return [0xfe, 0xfe, 0xfe, 0xfe, ...body, checksum(body), 0x16];
}

/** The master's read request for the same DI (C = 0x11), to check the frame layout against published requests. */
export function encodeDlt645ReadRequest(address: string, di: readonly [number, number, number, number]): number[] {
  const data = [...di].reverse().map((b) => (b + 0x33) & 0xff);
  const body = [0x68, ...addressLowFirst(address, 6), 0x68, 0x11, data.length, ...data];
  return [0xfe, 0xfe, 0xfe, 0xfe, ...body, checksum(body), 0x16];
}
