import { describe, expect, it } from 'vitest';
import { encodeCjt188Reply } from './cjt188.ts';
import { encodeDlt645ReadRequest, encodeDlt645Reply } from './dlt645.ts';
import { addressLowFirst, bcdLowFirst, checksum, toHex } from './frames.ts';

/** Published frames, copied verbatim from their sources (named in each test). */
const published = {
  dlt645ReadRequest: 'fefefefe680200310822206811043255b335d116',
  cjt188DataField901f: '00 34 12 00 2C 00 00 10 00 2C 00 30 14 08 01 26 20 00 00',
};
const hexBytes = (text: string) => (text.replace(/\s+/g, '').match(/../g) ?? []).map((h) => Number.parseInt(h, 16));

describe('meter frames', () => {
  it.each<[number, number, number, string]>([
    [1234, 4, 2, '00 34 12 00'],
    [0.01, 4, 2, '01 00 00 00'],
    [999999.99, 4, 2, '99 99 99 99'],
    [1000000.05, 4, 2, '05 00 00 00'],
  ])('BCD %d in %d bytes with %d decimals, low byte first', (value, bytes, decimals, expected) => {
    expect(toHex(bcdLowFirst(value, bytes, decimals))).toBe(expected);
  });

  it('writes addresses low byte first and refuses a malformed one', () => {
    expect(toHex(addressLowFirst('202208310002', 6))).toBe('02 00 31 08 22 20');
    expect(() => addressLowFirst('20220831000', 6)).toThrow(/12 digits/);
  });

  it('builds the DL/T 645 read request of fdxxw/rs-dlt645 frame.rs tests byte for byte (FE preamble, +0x33, checksum)', () => {
    expect(encodeDlt645ReadRequest('202208310002', [0x02, 0x80, 0x22, 0xff])).toEqual(hexBytes(published.dlt645ReadRequest));
  });

  it('replies to "forward active total energy" with DI 00 01 00 00 and the register in BCD, each byte +0x33', () => {
    const frame = encodeDlt645Reply({ address: '202208310002', totalKwh: 1234.56 });
    expect(toHex(frame)).toBe(`FE FE FE FE 68 02 00 31 08 22 20 68 91 08 33 33 34 33 89 67 45 33 ${toHex([checksum(frame.slice(4, -2))])} 16`);
  });

  it('carries the CJ/T 188 901F data field of ng-gateway di_parser.rs test_parse_water_meter_901f', () => {
    const frame = encodeCjt188Reply({
      address: '00000012345678',
      totalM3: 1234,
      settlementM3: 1000,
      ts: Date.UTC(2026, 0, 8, 6, 30, 0),
      timeZone: 'Asia/Shanghai',
      valveClosed: false,
      batteryLow: false,
      serial: 0,
      edition: '2004',
    });
    const dataField = hexBytes(published.cjt188DataField901f);
    // FE FE 68 T A0..A6 C L | DI0 DI1 SER | data | CS 16
    expect(frame.slice(0, 13)).toEqual([0xfe, 0xfe, 0x68, 0x10, 0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x00, 0x81, 3 + dataField.length]);
    expect(frame.slice(13, 16)).toEqual([0x90, 0x1f, 0x00]);
    expect(frame.slice(16, -2)).toEqual(dataField);
    expect(frame.at(-2)).toBe(checksum(frame.slice(2, -2)));
    expect(frame.at(-1)).toBe(0x16);
  });

  it('marks a closed valve and a low battery in the CJ/T 188 status word, and sends the 2018 DI order', () => {
    const frame = encodeCjt188Reply({
      address: '00000012345678',
      totalM3: 1,
      settlementM3: 0,
      ts: 0,
      timeZone: 'UTC',
      valveClosed: true,
      batteryLow: true,
      serial: 7,
      edition: '2018',
    });
    expect(frame.slice(13, 16)).toEqual([0x1f, 0x90, 7]);
    expect(frame.slice(-4, -2)).toEqual([0x05, 0x00]);
  });
});
