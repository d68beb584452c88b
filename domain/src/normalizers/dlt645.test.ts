import { describe, expect, it } from 'vitest';
import { interpretDlt645, readDlt645At } from './dlt645.ts';
import { bcd, dlt645Frame } from './test-support.ts';

/** fdxxw/rs-dlt645@dc4f46e src/frame.rs tests: a read request with a 4×FE preamble, meter 202208310002. */
const RS_DLT645_REQUEST = Uint8Array.from([0x68, 0x02, 0x00, 0x31, 0x08, 0x22, 0x20, 0x68, 0x11, 0x04, 0x32, 0x55, 0xb3, 0x35, 0xd1, 0x16]);

const di2007 = (di: number) => [di & 0xff, (di >> 8) & 0xff, (di >> 16) & 0xff, (di >>> 24) & 0xff];

describe(readDlt645At.name, () => {
  it('rs-dlt645 frame.rs: reads the request, its address in printed order and removes the 0x33 offset', () => {
    const result = readDlt645At(RS_DLT645_REQUEST, 0);
    expect(result.kind === 'frame' && [result.frame.address, result.frame.control, [...result.frame.data]]).toEqual([
      '202208310002',
      0x11,
      [0xff, 0x22, 0x80, 0x02],
    ]);
    expect(result.kind === 'frame' && interpretDlt645(result.frame)).toEqual({ kind: 'request' });
  });

  it('Jayla630/Dlt645Master contract: a single corrupted checksum byte rejects the frame', () => {
    const corrupted = RS_DLT645_REQUEST.slice();
    corrupted[14] = 0xd2;
    expect(readDlt645At(corrupted, 0).kind).toBe('checksum');
  });
});

describe(interpretDlt645.name, () => {
  const read = (control: number, data: number[]) => {
    const result = readDlt645At(dlt645Frame('000012345678', control, data), 0);
    if (result.kind !== 'frame') throw new Error(`built frame not read: ${result.kind}`);
    return interpretDlt645(result.frame);
  };

  it.each<[string, number, number[], unknown]>([
    [
      '2007 forward active total 00 01 00 00, XXXXXX.XX kWh',
      0x91,
      [...di2007(0x00010000), ...bcd(12345678, 4)],
      { kind: 'energy', kWh: 123456.78, di: '00010000' },
    ],
    ['2007 reply with follow-up 0xB1', 0xb1, [...di2007(0x00010000), ...bcd(100, 4)], { kind: 'energy', kWh: 1, di: '00010000' }],
    [
      '2007 forward active block 00 01 FF 00 (total first)',
      0x91,
      [...di2007(0x0001ff00), ...bcd(250, 4), ...bcd(100, 4)],
      { kind: 'energy', kWh: 2.5, di: '0001FF00' },
    ],
    ['2007 combined active total, negative', 0x91, [...di2007(0), 0x00, 0x01, 0x00, 0x80], { kind: 'energy', kWh: -1, di: '00000000' }],
    ['2007 total active power XX.XXXX kW', 0x91, [...di2007(0x02030000), ...bcd(12345, 3)], { kind: 'power', kW: 1.2345, di: '02030000' }],
    ['2007 power with the sign bit (export)', 0x91, [...di2007(0x02030000), 0x00, 0x50, 0x80], { kind: 'power', kW: -0.5, di: '02030000' }],
    ['1997 total energy 9010', 0x81, [0x10, 0x90, ...bcd(98765, 4)], { kind: 'energy', kWh: 987.65, di: '9010' }],
    ['2007 error reply 0xD1 with code 0x02', 0xd1, [0x02], { kind: 'error', detail: 'DL/T 645-2007 meter 000012345678: error 0x02: no data requested' }],
    ['1997 error reply 0xC1', 0xc1, [0x04], { kind: 'error', detail: 'DL/T 645-1997 meter 000012345678: error 0x04: password wrong or unauthorised' }],
    ['a 1997 read request', 0x01, [0x10, 0x90], { kind: 'request' }],
  ])('%s', (_title, control, data, expected) => {
    expect(read(control, data)).toEqual(expected);
  });

  it('calls a DI it does not read unsupported, naming the DI', () => {
    expect(read(0x91, [...di2007(0x02010100), 0x20, 0x22])).toEqual({ kind: 'unsupported', detail: 'DL/T 645-2007 DI 02010100 is not read by the ingest' });
  });
});
