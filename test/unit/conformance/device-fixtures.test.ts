import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../domain/src/model/reading.ts';
import { createMessageDecoder } from '../../../domain/src/normalizers/index.ts';
import { framePayloadBytes, scanMeterFrames } from '../../../domain/src/normalizers/meter-frames.ts';
import { cjt188Frame, siteWith, toHex } from '../../../domain/src/normalizers/test-support.ts';
import type { SiteDevice } from '../../../domain/src/site/site-schema.ts';
import { topics } from '../../../domain/src/topics.ts';

/**
 * Conformance: every payload and frame in ../shared/fixtures/devices/ (copied from public sources,
 * see its SOURCES.md) goes through the ingest's decoder, and the normalized result is checked
 * against what SOURCES.md says it means. The fixtures are read in place, never copied into the repo.
 * A new fixture without an expectation here fails the suite.
 */
const repoRoot = new URL('../../..', import.meta.url).pathname;
const fixtures = join(repoRoot, '../shared/fixtures/devices');
const present = existsSync(join(fixtures, 'SOURCES.md'));
const inCi = process.env['CI'] === 'true';

/** Far from the 2018–2022 device clocks of the examples: those are then absurd and the broker time is used. */
const RECEIVED_AT = Date.UTC(2026, 10, 24, 8, 0, 0);

const devices: SiteDevice[] = [
  { id: 'plug-new', kind: 'electricity-meter', source: { ecosystem: 'zigbee2mqtt', address: 'SP600_NEW' } },
  // SOURCES.md: old SP600 firmware reports ×10 for the same raw report: corrected in the site file.
  { id: 'plug-old', kind: 'electricity-meter', scale: 0.1, source: { ecosystem: 'zigbee2mqtt', address: 'SP600_OLD' } },
  { id: 'z2m-sensor', kind: 'leak-sensor', source: { ecosystem: 'zigbee2mqtt', address: 'hall sensor' } },
  { id: 'z2m-bridge', kind: 'gateway', source: { ecosystem: 'zigbee2mqtt', address: 'bridge' } },
  { id: 'pow1', kind: 'electricity-meter', source: { ecosystem: 'tasmota', address: 'pow1' } },
  { id: 'linky', kind: 'electricity-meter', source: { ecosystem: 'tasmota', address: 'denky_D6C0C0' } },
  { id: 'zb-leak', kind: 'leak-sensor', source: { ecosystem: 'tasmota', address: 'zbbridge/0x099F' } },
  { id: 'lora-1', kind: 'leak-sensor', source: { ecosystem: 'chirpstack', address: '0101010101010101' } },
  { id: 'wm-188', kind: 'water-meter', source: { ecosystem: 'cjt188', address: '00000012345678' } },
  { id: 'em-645', kind: 'electricity-meter', source: { ecosystem: 'dlt645', address: '202208310002' } },
  { id: 'neuron-meter', kind: 'water-meter', source: { ecosystem: 'neuron', address: 'modbus/grp', fields: { 'water.total': 'tag0' } } },
  { id: 'dtu-1', kind: 'gateway' },
  { id: 'rfid-1', kind: 'access-reader', source: { ecosystem: 'esprfid', address: '/rfid' } },
];
const site = siteWith(devices, { tasmota: { fullTopics: ['%prefix%/%topic%/', 'emoncms/ch2i/factory/%topic%/%prefix%/'] } }, 'conformance');
const decode = createMessageDecoder(site);
const framesTopic = topics.deviceMessage('conformance', 'dtu-1', 'frames');

/** A reading reduced to what SOURCES.md speaks about. */
function essence(r: Reading): string {
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  switch (r.kind) {
    case 'water.total':
    case 'electricity.total':
    case 'water.flow':
    case 'electricity.power':
      return `${r.deviceId} ${r.kind} ${round(r.value)}`;
    case 'leak':
      return `${r.deviceId} leak ${r.wet ? 'wet' : 'dry'}`;
    case 'tamper':
      return `${r.deviceId} tamper ${r.active}`;
    case 'battery':
      return `${r.deviceId} battery ${r.percent ?? '?'}% low=${r.low}`;
    case 'status':
      return `${r.deviceId} status ${r.online ? 'online' : 'offline'}`;
    case 'contact':
      return `${r.deviceId} contact ${r.open ? 'open' : 'closed'}`;
    case 'access':
      return `${r.deviceId} access ${r.event} door=${r.door} card=${r.card} reason=${r.reason}`;
    default:
      return `${r.deviceId} ${r.kind}`;
  }
}

interface Expectation {
  /** The topic the source gives (or our choice where it says `<...>`). */
  readonly topic: string;
  readonly readings: readonly string[];
  readonly rejections: readonly string[];
  /** Whether the device time is trusted (true) or the broker time is used. */
  readonly deviceClockTrusted?: boolean;
}

const expectations: Record<string, Expectation> = {
  'zigbee2mqtt/energy_sp600_new_fw.json': {
    topic: 'zigbee2mqtt/SP600_NEW',
    readings: ['plug-new electricity.total 0.66', 'plug-new electricity.power 0.0496'],
    rejections: [],
  },
  'zigbee2mqtt/energy_sp600_old_fw.json': {
    topic: 'zigbee2mqtt/SP600_OLD',
    readings: ['plug-old electricity.total 0.665', 'plug-old electricity.power 0.0496'],
    rejections: [],
  },
  'zigbee2mqtt/availability_online.json': { topic: 'zigbee2mqtt/hall sensor/availability', readings: ['z2m-sensor status online'], rejections: [] },
  'zigbee2mqtt/availability_offline.json': { topic: 'zigbee2mqtt/hall sensor/availability', readings: ['z2m-sensor status offline'], rejections: [] },
  'zigbee2mqtt/bridge_state_online.json': { topic: 'zigbee2mqtt/bridge/state', readings: ['z2m-bridge status online'], rejections: [] },
  'tasmota/sensor_energy_sonoff_pow_r2.json': {
    topic: 'tele/pow1/SENSOR',
    readings: ['pow1 electricity.total 6.294', 'pow1 electricity.power 2.635'],
    rejections: [],
    deviceClockTrusted: false,
  },
  'tasmota/status8_energy_sonoff_pow_r2.json': {
    topic: 'stat/pow1/STATUS8',
    readings: ['pow1 electricity.total 6.404', 'pow1 electricity.power 2.629'],
    rejections: [],
    deviceClockTrusted: false,
  },
  'tasmota/sensor_energy_teleinfo_custom_fulltopic.json': {
    topic: 'emoncms/ch2i/factory/denky_D6C0C0/tele/SENSOR',
    readings: ['linky electricity.total 9098.245', 'linky electricity.power 0.17'],
    rejections: [],
  },
  'tasmota/lwt_online.txt': { topic: 'tele/pow1/LWT', readings: ['pow1 status online'], rejections: [] },
  'tasmota/lwt_offline.txt': { topic: 'tele/pow1/LWT', readings: ['pow1 status offline'], rejections: [] },
  'tasmota/zigbee_zbreceived_leak_raw_zone_status.json': {
    topic: 'tele/zbbridge/SENSOR',
    readings: ['zb-leak leak wet', 'zb-leak tamper false', 'zb-leak battery ?% low=false'],
    rejections: [],
  },
  'chirpstack/v4_event_up_doc_example.json': {
    topic: 'application/17c82e96-be03-4f38-aef3-f83d48582d97/device/0101010101010101/event/up',
    // No `object` (abbreviated example, no codec): alive, and the raw data kept as a dead letter.
    readings: ['lora-1 heartbeat'],
    rejections: ['unsupported'],
  },
  'chirpstack/v4_event_status_doc_example.json': {
    topic: 'application/17c82e96-be03-4f38-aef3-f83d48582d97/device/0101010101010101/event/status',
    readings: ['lora-1 battery 88.3% low=false'],
    rejections: [],
  },
  'chirpstack/v4_event_join_doc_example.json': {
    topic: 'application/17c82e96-be03-4f38-aef3-f83d48582d97/device/0101010101010101/event/join',
    readings: ['lora-1 heartbeat'],
    rejections: [],
  },
  'chirpstack/v4_event_log_doc_example.json': {
    topic: 'application/17c82e96-be03-4f38-aef3-f83d48582d97/device/0101010101010101/event/log',
    readings: [],
    rejections: ['device-error'],
  },
  // The data field alone is no frame: dead-lettered. The framed form is checked below.
  'cjt188/nggateway_901f_data_field_after_di_ser.hex': { topic: framesTopic, readings: ['dtu-1 heartbeat'], rejections: ['bad-frame'] },
  // Read requests carry no reading; the concentrator is alive.
  'dlt645/rsdlt645_read_request_with_fe_preamble.hex': { topic: framesTopic, readings: ['dtu-1 heartbeat'], rejections: [] },
  'dlt645/rsdlt645_read_request_irregular_spacing.txt': { topic: framesTopic, readings: ['dtu-1 heartbeat'], rejections: [] },
  'neuron/values_format_doc_example.json': { topic: '/neuron/mqtt', readings: ['neuron-meter water.total 123'], rejections: [] },
  'neuron/tags_format_doc_example_trailing_comma.txt': { topic: '/neuron/mqtt', readings: [], rejections: ['malformed-json'] },
  // No adapter for Paradox PAI in this version (docs/protocol.md §Not adapted): dead-lettered, counted.
  'alarm_panels/paradox_pai_events_raw_test_event.json': { topic: 'paradox/events/raw', readings: [], rejections: ['unknown-topic'] },
  // esp-rfid on its documented topic `/rfid/send`; times are epoch seconds from 2020: the broker time is used.
  'access_control/esprfid_boot_doc.json': { topic: '/rfid/send', readings: ['rfid-1 status online'], rejections: [], deviceClockTrusted: false },
  'access_control/esprfid_heartbeat_doc.json': { topic: '/rfid/send', readings: ['rfid-1 heartbeat'], rejections: [], deviceClockTrusted: false },
  // The doc template's access level is the placeholder "the access state": no level we can act on.
  'access_control/esprfid_access_known_doc.json': { topic: '/rfid/send', readings: [], rejections: ['schema'] },
  'access_control/esprfid_access_denied_unknown_doc.json': {
    topic: '/rfid/send',
    readings: ['rfid-1 access denied door=your esp-rfid hostname card=token UID reason=unknown'],
    rejections: [],
  },
  'access_control/esprfid_door_open_event_doc.json': { topic: '/rfid/send', readings: ['rfid-1 contact open'], rejections: [] },
  'access_control/esprfid_door_closed_event_doc.json': { topic: '/rfid/send', readings: ['rfid-1 contact closed'], rejections: [] },
};

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return fixtureFiles(path);
    return name === 'SOURCES.md' ? [] : [relative(fixtures, path)];
  });
}

if (!present && inCi) {
  describe('device fixture conformance', () => {
    it('needs ../shared/fixtures/devices under CI=true', () => {
      expect(present, `CI=true but ${fixtures} is missing`).toBe(true);
    });
  });
} else if (!present) {
  console.warn(`device fixture conformance skipped: ${fixtures} is absent`);
  describe.skip('device fixture conformance (fixtures absent)', () => {
    it('skipped', () => {});
  });
} else {
  const files = fixtureFiles(fixtures).sort();
  const sources = readFileSync(join(fixtures, 'SOURCES.md'), 'utf8');

  describe('device fixture conformance', () => {
    it('has an expectation for every fixture, and SOURCES.md names every fixture', () => {
      expect(files.filter((f) => expectations[f] === undefined)).toEqual([]);
      expect(files.filter((f) => !sources.includes(f.split('/').pop() ?? f))).toEqual([]);
    });

    it.each(files.filter((f) => expectations[f] !== undefined))('%s', (file) => {
      const expected = expectations[file] as Expectation;
      const payload = readFileSync(join(fixtures, file));
      const result = decode({ topic: expected.topic, payload, receivedAt: RECEIVED_AT });
      expect({ readings: result.readings.map(essence), rejections: result.rejections.map((r) => r.reason) }).toEqual({
        readings: expected.readings,
        rejections: expected.rejections,
      });
      if (expected.deviceClockTrusted === false) expect(result.readings.every((r) => r.ts === RECEIVED_AT && r.deviceTs !== RECEIVED_AT)).toBe(true);
    });

    /** SOURCES.md cjt188: current 1234.00 m³, settlement 1000.00 m³ (unit 0x2C), meter time 2026-01-08 14:30:00; DI in both byte orders. */
    it.each<[string, number[]]>([
      ['CJ/T 188-2004 DI order 90 1F', [0x90, 0x1f]],
      ['CJ/T 188-2018 DI order 1F 90', [0x1f, 0x90]],
    ])('cjt188 data field framed with %s reads 1234.00 m³ at the meter time', (_title, di) => {
      const data = [...(framePayloadBytes(readFileSync(join(fixtures, 'cjt188/nggateway_901f_data_field_after_di_ser.hex'))) ?? [])];
      const frame = cjt188Frame(0x10, '00000012345678', 0x81, [...di, 0x00, ...data]);
      const meterTime = Date.UTC(2026, 0, 8, 6, 30, 0); // 14:30 in Asia/Shanghai
      const result = decode({ topic: framesTopic, payload: new TextEncoder().encode(`FE FE ${toHex(frame)}`), receivedAt: meterTime + 60_000 });
      expect(result.readings.map(essence)).toEqual(['dtu-1 heartbeat', 'wm-188 water.total 1234']);
      expect(result.readings[1]?.ts).toBe(meterTime);
    });

    it('dlt645 fixtures: FE preamble stripped, meter 202208310002, a read request (C=0x11)', () => {
      for (const file of ['dlt645/rsdlt645_read_request_with_fe_preamble.hex', 'dlt645/rsdlt645_read_request_irregular_spacing.txt']) {
        const scan = scanMeterFrames(framePayloadBytes(readFileSync(join(fixtures, file))) ?? new Uint8Array());
        expect(
          scan.frames.map((f) => [f.protocol, f.address, f.control]),
          file,
        ).toEqual([['dlt645', '202208310002', 0x11]]);
        expect(scan.strayBytes).toBe(0);
      }
    });
  });
}
