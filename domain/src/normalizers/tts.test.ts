import { describe, expect, it } from 'vitest';
import { createMessageDecoder } from './index.ts';
import { siteWith, utf8 } from './test-support.ts';

const NOW = Date.parse('2020-02-12T15:16:00Z');
const decode = createMessageDecoder(
  siteWith(
    [
      { id: 'tts-leak', kind: 'leak-sensor', source: { ecosystem: 'tts', address: 'dev1' } },
      { id: 'tts-meter', kind: 'water-meter', source: { ecosystem: 'tts', address: 'axioma-1' } },
    ],
    { tts: { applicationIds: ['app1', 'app2@tenant1'] } },
  ),
);
const run = (topic: string, payload: object | string) =>
  decode({ topic, payload: utf8(typeof payload === 'string' ? payload : JSON.stringify(payload)), receivedAt: NOW });

/**
 * Shape of the uplink message in thethingsindustries.com docs the-things-stack/concepts/data-formats
 * ("Uplink Messages"); decoded_payload keys of the Dragino LWL02 codec (WATER_LEAK_STATUS) per
 * device-ecosystems.md §4.
 */
const uplink = (deviceId: string, decoded: object | undefined) => ({
  end_device_ids: {
    device_id: deviceId,
    application_ids: { application_id: 'app1' },
    dev_eui: '0004A30B001C0530',
    join_eui: '800000000000000C',
    dev_addr: '00BCB929',
  },
  correlation_ids: ['as:up:01E0WZGT1KJ2F6TRNDXGMWQXCR'],
  received_at: '2020-02-12T15:15:49.874Z',
  uplink_message: {
    session_key_id: 'AXBSH1Pk6Z0G166...',
    f_port: 15,
    f_cnt: 7,
    frm_payload: 'AQ==',
    ...(decoded === undefined ? {} : { decoded_payload: decoded }),
    rx_metadata: [{ gateway_ids: { gateway_id: 'gtw1' }, rssi: -42, snr: 4.2 }],
    received_at: '2020-02-12T15:15:49.607Z',
  },
});

describe('the things stack normalizer', () => {
  it('data-formats uplink with a Dragino LWL02 decoded_payload: WATER_LEAK_STATUS 1 → wet, at the Network Server time', () => {
    const result = run('v3/app1/devices/dev1/up', uplink('dev1', { WATER_LEAK_STATUS: 1, WATER_LEAK_TIMES: 3 }));
    expect(result.readings.map((r) => [r.kind, 'wet' in r && r.wet, r.ts])).toEqual([['leak', true, Date.parse('2020-02-12T15:15:49.607Z')]]);
  });

  it('Axioma W1 codec: current_volume_m3 → water.total; leakage flag → leak (from a meter)', () => {
    const result = run('v3/app1/devices/axioma-1/up', uplink('axioma-1', { current_volume_m3: 1.234, leakage: false }));
    expect(result.readings.map((r) => [r.kind, 'value' in r ? r.value : 'wet' in r ? r.wet : undefined])).toEqual([
      ['water.total', 1.234],
      ['leak', false],
    ]);
  });

  it('the tenant form app@tenant is matched; an uplink without decoded_payload is a heartbeat and unsupported', () => {
    const result = run('v3/app2@tenant1/devices/dev1/up', uplink('dev1', undefined));
    expect([result.readings.map((r) => r.kind), result.rejections.map((r) => r.reason)]).toEqual([['heartbeat'], ['unsupported']]);
  });

  it('join → heartbeat; downlink events are not subscribed to, so they are no topic of this site', () => {
    expect(
      run('v3/app1/devices/dev1/join', { end_device_ids: { device_id: 'dev1' }, received_at: '2020-02-12T15:15:00Z' }).readings.map((r) => r.kind),
    ).toEqual(['heartbeat']);
    expect(run('v3/app1/devices/dev1/down/queued', {}).rejections.map((r) => r.reason)).toEqual(['unknown-topic']);
  });

  it('rejects an unknown device id', () => {
    expect(run('v3/app1/devices/nobody/up', uplink('nobody', { WATER_LEAK_STATUS: 0 })).rejections.map((r) => r.reason)).toEqual(['unknown-device']);
  });
});
