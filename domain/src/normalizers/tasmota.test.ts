import { describe, expect, it } from 'vitest';
import type { SiteDevice } from '../site/site-schema.ts';
import { createMessageDecoder } from './index.ts';
import { siteWith, utf8 } from './test-support.ts';

const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);
const tas = (id: string, kind: SiteDevice['kind'], address: string, extra: Partial<SiteDevice> = {}): SiteDevice => ({
  id,
  kind,
  source: { ecosystem: 'tasmota', address },
  ...extra,
});
const site = siteWith(
  [
    tas('pow-1', 'electricity-meter', 'pow1'),
    tas('linky', 'electricity-meter', 'denky_D6C0C0'),
    tas('pulse-1', 'water-meter', 'pulse1', { pulseFactor: 10 }),
    tas('zb-leak', 'leak-sensor', 'zbbridge/0x099F'),
    tas('zb-door', 'door-contact', 'zbbridge/0x1234'),
  ],
  { tasmota: { fullTopics: ['%prefix%/%topic%/', 'emoncms/ch2i/factory/%topic%/%prefix%/'] } },
);
const decode = createMessageDecoder(site);
const run = (topic: string, payload: string, receivedAt = NOW) => decode({ topic, payload: utf8(payload), receivedAt });
const values = (topic: string, payload: string) =>
  run(topic, payload).readings.map((r) => [r.kind, 'value' in r ? Math.round(r.value * 1e6) / 1e6 : undefined]);

/** tasmota/docs@9849ab9 docs/devices/Sonoff-Pow-R2.md L41. */
const POW_R2_SENSOR =
  '{"Time":"2018-02-15T17:37:10","ENERGY":{"TotalStartTime":"2018-11-14T18:39:40","Total":6.294,"Yesterday":5.340,"Today":0.954,"Period":217,"Power":2635,"ApparentPower":2650,"ReactivePower":282,"Factor":0.99,"Voltage":227,"Current":11.661}}';

describe('tasmota normalizer', () => {
  it('tasmota/docs Sonoff-Pow-R2.md: ENERGY.Total kWh and Power W; Today/Yesterday/Period are not totals', () => {
    expect(values('tele/pow1/SENSOR', POW_R2_SENSOR)).toEqual([
      ['electricity.total', 6.294],
      ['electricity.power', 2.635],
    ]);
  });

  it('tasmota/docs Sonoff-Pow-R2.md: Time (2018) before TotalStartTime is an absurd clock → broker time, device time kept', () => {
    const [reading] = run('tele/pow1/SENSOR', POW_R2_SENSOR).readings;
    expect([reading?.ts, reading?.deviceTs]).toEqual([NOW, Date.UTC(2018, 1, 15, 9, 37, 10)]);
  });

  it('reads a plausible local Time in the site zone (Asia/Shanghai, UTC+8)', () => {
    const [reading] = run('tele/pow1/SENSOR', '{"Time":"2026-11-24T15:59:00","ENERGY":{"Total":1}}').readings;
    expect(reading?.ts).toBe(Date.UTC(2026, 10, 24, 7, 59, 0));
  });

  it('tasmota/docs Sonoff-Pow-R2.md L46: STATUS8 wraps the same data in StatusSNS', () => {
    const payload =
      '{"StatusSNS":{"Time":"2018-11-15T08:54:18","ENERGY":{"TotalStartTime":"2018-11-14T18:39:40","Total":6.404,"Yesterday":5.340,"Today":1.064,"Power":2629,"ApparentPower":2645,"ReactivePower":288,"Factor":0.99,"Voltage":226,"Current":11.677}}}';
    expect(values('stat/pow1/STATUS8', payload)).toEqual([
      ['electricity.total', 6.404],
      ['electricity.power', 2.629],
    ]);
  });

  it('tasmota/docs Teleinfo.md L134: custom FullTopic with extra levels and the prefix after the topic; vendor blocks ignored', () => {
    const payload =
      '{"Time":"2021-10-26T17:28:45","ENERGY":{"TotalStartTime":"2021-10-25T15:22:04","Total":9098.245,"Yesterday":6822.685,"Today":2275.560,"Period": 9,"Power":170,"Current":1.000,"Load":6},"TIC":{"ADCO":"021528603314"},"ESP32":{"Temperature":36.1},"TempUnit":"C"}';
    expect(values('emoncms/ch2i/factory/denky_D6C0C0/tele/SENSOR', payload)).toEqual([
      ['electricity.total', 9098.245],
      ['electricity.power', 0.17],
    ]);
  });

  it('arendst/Tasmota discussion #18385: multi-channel arrays are summed', () => {
    expect(values('tele/pow1/SENSOR', '{"ENERGY":{"Total":[0.000,2.910],"Power":[10,20]}}')).toEqual([
      ['electricity.total', 2.91],
      ['electricity.power', 0.03],
    ]);
  });

  it('xsns_01_counter.ino: COUNTER.C1 pulses × pulseFactor (10 L per pulse)', () => {
    expect(values('tele/pulse1/SENSOR', '{"COUNTER":{"C1":1234}}')).toEqual([['water.total', 12.34]]);
  });

  it('tasmota/docs MQTT.md L172-184: LWT Online/Offline plain text', () => {
    expect(run('tele/pow1/LWT', 'Offline').readings.map((r) => [r.kind, 'online' in r && r.online])).toEqual([['status', false]]);
    expect(run('tele/pow1/LWT', 'Online').readings.map((r) => [r.kind, 'online' in r && r.online])).toEqual([['status', true]]);
  });

  it('tasmota/docs Zigbee.md L869: raw IAS zone status 0x0001 from ZbReceived is a leak (alarm1) without tamper or low battery', () => {
    const result = run('tele/zbbridge/SENSOR', '{"ZbReceived":{"0x099F":{"0500!00":"010000FF0000","LinkQuality":70}}}');
    expect(result.readings.map((r) => [r.deviceId, r.kind, 'wet' in r ? r.wet : 'active' in r ? r.active : 'low' in r ? r.low : undefined])).toEqual([
      ['zb-leak', 'leak', true],
      ['zb-leak', 'tamper', false],
      ['zb-leak', 'battery', false],
    ]);
  });

  it('device-ecosystems.md §2: Tasmota Contact 1 means OPEN (the opposite of Zigbee2MQTT)', () => {
    const result = run('tele/zbbridge/SENSOR', '{"ZbReceived":{"0x1234":{"Contact":1}}}');
    expect(result.readings.map((r) => 'open' in r && r.open)).toEqual([true]);
  });

  it.each<[string, string, string, string]>([
    ['an unknown Tasmota topic', 'tele/stranger/SENSOR', '{"ENERGY":{"Total":1}}', 'unknown-device'],
    ['an LWT word that is neither', 'tele/pow1/LWT', 'Maybe', 'schema'],
    ['a negative total', 'tele/pow1/SENSOR', '{"ENERGY":{"Total":-1}}', 'impossible-value'],
    ['malformed JSON', 'tele/pow1/SENSOR', '{"ENERGY":', 'malformed-json'],
    ['an unknown Zigbee child', 'tele/zbbridge/SENSOR', '{"ZbReceived":{"0xFFFF":{"Contact":1}}}', 'unknown-device'],
  ])('rejects %s', (_title, topic, payload, reason) => {
    expect(run(topic, payload).rejections.map((r) => r.reason)).toEqual([reason]);
  });

  it('ignores command results and other messages', () => {
    expect(run('stat/pow1/RESULT', '{"POWER":"ON"}')).toEqual({ readings: [], rejections: [] });
  });
});
