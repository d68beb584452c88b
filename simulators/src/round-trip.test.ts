import { compileTopicFilter, createMessageDecoder, indexSite, type Reading, subscriptionFilters } from '@dutyroom/domain';
import { describe, expect, it } from 'vitest';
import { generateCommunitySite } from './community.ts';
import { Simulation } from './engine.ts';

const T0 = Date.UTC(2026, 10, 23, 16, 0, 0); // 00:00 in Asia/Shanghai
const HOUR = 3_600_000;

/** A small community with every ecosystem: one high-rise (CJ/T 188 + DL/T 645, native), a multi-storey (TTS + Neuron), villas (ChirpStack + Zigbee2MQTT). */
const site = generateCommunitySite({ seed: 3, highRises: 3, floors: 2, multiStoreys: 1, villas: 3, shops: 2, siteId: 'rt' });
const index = { ...indexSite(site), sources: site.sources };

function play(hours: number, options: { drill?: boolean } = {}) {
  const sim = new Simulation({ site, seed: 5, startTs: T0, ambient: true, drill: options.drill });
  const emitted = [...sim.announce(), ...sim.advanceTo(T0 + hours * HOUR)];
  return { sim, emitted };
}

describe('simulated devices through the ingest normalizers', () => {
  const { sim, emitted } = play(26);
  const decode = createMessageDecoder(index);
  const decoded = emitted.map((e) => ({
    ...e,
    result: decode({ topic: e.message.topic, payload: new TextEncoder().encode(e.message.payload), receivedAt: e.ts }),
  }));

  it('publishes only on topics the site ingest subscribes to', () => {
    const matchers = subscriptionFilters(index).map(compileTopicFilter);
    const unheard = [...new Set(emitted.map((e) => e.message.topic).filter((t) => !matchers.some((m) => m.match(t) !== undefined)))];
    expect(emitted.length).toBeGreaterThan(1000);
    expect(unheard).toEqual([]);
  });

  it('is decoded without a single rejection, in every ecosystem', () => {
    const rejections = decoded.flatMap((d) => d.result.rejections.map((r) => `${d.message.topic}: ${r.reason} ${r.detail}`));
    expect(rejections.slice(0, 5)).toEqual([]);
    const ecosystems = new Set(decoded.filter((d) => d.result.readings.length > 0).map((d) => sim.device(d.deviceId)?.encodable.ecosystem));
    expect([...ecosystems].sort()).toEqual(['chirpstack', 'cjt188', 'dlt645', 'esprfid', 'native', 'neuron', 'tasmota', 'tts', 'zigbee2mqtt']);
  });

  it('yields the registers the simulation holds, in m³ and kWh, at the simulated timestamps', () => {
    const last = new Map<string, Reading>();
    for (const d of decoded) for (const r of d.result.readings) if (r.kind === 'water.total' || r.kind === 'electricity.total') last.set(r.deviceId, r);
    const meters = sim.devices.filter((d) => d.kind === 'water-meter' || d.kind === 'electricity-meter');
    expect(last.size).toBe(meters.length);
    for (const meter of meters) {
      const reading = last.get(meter.id);
      const truth = meter.kind === 'water-meter' ? meter.totalLitres / 1000 : meter.totalKwh;
      // Pulse meters count whole pulses (10 L); BCD and Zigbee energy keep two decimals.
      const tolerance = meter.encodable.pulseFactor !== undefined ? 0.0101 : 0.0051;
      const value = reading && 'value' in reading ? reading.value : Number.NaN;
      expect({ id: meter.id, off: Math.abs(value - truth) <= tolerance }).toEqual({ id: meter.id, off: true });
    }
    const stamps = decoded.flatMap((d) => d.result.readings.map((r) => [r.ts, d.ts]));
    expect(
      stamps.every(([readingTs, simTs]) => readingTs === simTs || (readingTs !== undefined && simTs !== undefined && Math.abs(readingTs - simTs) < 1000)),
    ).toBe(true);
  });

  it('reports every alarm device and gateway: fire, gas, leak, contact, access, status, battery', () => {
    const kinds = new Set(decoded.flatMap((d) => d.result.readings.map((r) => r.kind)));
    for (const kind of ['fire', 'gas', 'leak', 'contact', 'access', 'status', 'battery', 'heartbeat', 'electricity.power'] as const)
      expect(kinds).toContain(kind);
  });

  it('flags drill messages where the native protocol can say so', () => {
    const drill = play(1, { drill: true });
    // Relayed meter frames cannot carry a flag: the native JSON channels can.
    const json = drill.emitted.filter((e) => e.message.payload.startsWith('{') && e.message.topic.startsWith('dutyroom/'));
    const readings = json.flatMap((e) => decode({ topic: e.message.topic, payload: new TextEncoder().encode(e.message.payload), receivedAt: e.ts }).readings);
    expect(readings.length).toBeGreaterThan(100);
    expect(readings.filter((r) => !r.drill).map((r) => `${r.deviceId} ${r.kind}`)).toEqual([]);
  });
});
