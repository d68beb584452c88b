import { addressLowFirst, bcdByte, bcdLowFirst, checksum, localTime } from './frames.ts';

/**
 * CJ/T 188 water-meter reply to "read metering data" (DI 901F), as the meter sends it to the
 * concentrator (集中器): `FE FE 68 T A0..A6 81 L DI SER data CS 16`.
 * Data: current cumulative flow (4 BCD, XXXXXX.XX, low first) + unit, settlement-day flow + unit,
 * real time `ss mm hh DD MM YY CC` (7 BCD, meter local time), status ST (2 bytes).
 * Layout from shiyuecamus/ng-gateway cjt188 (`di_parser.rs` test_parse_water_meter_901f).
 */

/** Meter type byte T. */
export const CJT188_COLD_WATER = 0x10;
/** Unit code: 0x2C = m³ (0x29 = L). */
export const CJT188_UNIT_M3 = 0x2c;
const CONTROL_READ_REPLY = 0x81;

export interface Cjt188Reading {
  /** 14-digit address in display order (high byte first). */
  readonly address: string;
  readonly totalM3: number;
  /** Register at the last settlement day (结算日). */
  readonly settlementM3: number;
  readonly ts: number;
  readonly timeZone: string;
  readonly valveClosed: boolean;
  readonly batteryLow: boolean;
  /** Sequence number SER, 0–255. */
  readonly serial: number;
  /** 2004 sends DI 90 1F; 2018 sends 1F 90 (ng-gateway frame/body.rs). */
  readonly edition: '2004' | '2018';
}

export function encodeCjt188Reply(reading: Cjt188Reading): number[] {
  const t = localTime(reading.ts, reading.timeZone);
  const time = [t.second, t.minute, t.hour, t.day, t.month, t.year % 100, Math.floor(t.year / 100)].map(bcdByte);
  // ST byte 0: D0–D1 valve (00 open, 01 closed), D2 battery undervoltage (CJ/T 188-2004 §状态字).
  const status = [(reading.valveClosed ? 0x01 : 0x00) | (reading.batteryLow ? 0x04 : 0x00), 0x00];
  const data = [...bcdLowFirst(reading.totalM3, 4, 2), CJT188_UNIT_M3, ...bcdLowFirst(reading.settlementM3, 4, 2), CJT188_UNIT_M3, ...time, ...status];
  const di = reading.edition === '2004' ? [0x90, 0x1f] : [0x1f, 0x90];
  const body = [
    0x68,
    CJT188_COLD_WATER,
    ...addressLowFirst(reading.address, 7),
    CONTROL_READ_REPLY,
    di.length + 1 + data.length,
    ...di,
    reading.serial & 0xff,
    ...data,
  ];
  return [0xfe, 0xfe, ...body, checksum(body), 0x16];
}
