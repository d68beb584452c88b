import { describe, expect, it } from 'vitest';
import { generateCommunity, generateCommunitySite } from './community.ts';

const options = { seed: 1, highRises: 3, floors: 18, villas: 8, shops: 10 };

describe(generateCommunity.name, () => {
  it('is deterministic from the seed, and another seed gives another community', () => {
    expect(generateCommunity(options)).toBe(generateCommunity(options));
    expect(generateCommunity({ ...options, seed: 2 })).not.toBe(generateCommunity(options));
  });

  const site = generateCommunitySite(options);
  const devices = [...site.buildings, ...site.areas, ...site.units].flatMap((h) => h.devices);

  it('builds high-rises, a multi-storey, villas and shops, every occupancy, a meter pair in every unit', () => {
    expect(new Set(site.buildings.map((b) => b.kind))).toEqual(new Set(['high-rise', 'multi-storey', 'villa', 'shop']));
    expect(site.units).toHaveLength(3 * 2 * 18 * 2 + 2 * 6 * 2 + 8 + 10);
    expect(new Set(site.units.map((u) => u.occupancy.status))).toEqual(new Set(['occupied', 'vacant', 'custody', 'decorating', 'shop-closed']));
    expect(site.units.every((u) => ['water-meter', 'electricity-meter'].every((k) => u.devices.some((d) => d.kind === k)))).toBe(true);
  });

  it('uses every device kind and every ecosystem of the site schema', () => {
    expect(new Set(devices.map((d) => d.kind)).size).toBe(9);
    expect(new Set(devices.map((d) => d.source?.ecosystem ?? 'native'))).toEqual(
      new Set(['native', 'zigbee2mqtt', 'tasmota', 'chirpstack', 'tts', 'cjt188', 'dlt645', 'neuron', 'esprfid']),
    );
  });

  it('puts CJ/T 188 and DL/T 645 meters behind concentrators, smoke detectors in fire zones, fire doors in stairwells, readers at gates', () => {
    const gateways = new Set(devices.filter((d) => d.kind === 'gateway').map((d) => d.id));
    const framed = devices.filter((d) => d.source?.ecosystem === 'cjt188' || d.source?.ecosystem === 'dlt645');
    expect(framed.length).toBeGreaterThan(0);
    expect(framed.every((d) => d.gateway !== undefined && gateways.has(d.gateway))).toBe(true);
    expect(framed.filter((d) => d.source?.ecosystem === 'cjt188').every((d) => /^\d{14}$/.test(d.source?.address ?? ''))).toBe(true);
    expect(framed.filter((d) => d.source?.ecosystem === 'dlt645').every((d) => /^\d{12}$/.test(d.source?.address ?? ''))).toBe(true);
    const zones = new Map<string, number>();
    for (const d of devices) if (d.kind === 'smoke-detector' && d.zone) zones.set(d.zone, (zones.get(d.zone) ?? 0) + 1);
    expect([...zones.values()].every((n) => n >= 2)).toBe(true);
    expect(site.areas.filter((a) => a.kind === 'stairwell').every((a) => a.devices.every((d) => d.fireDoor))).toBe(true);
    expect(site.areas.filter((a) => a.kind === 'gate').every((a) => a.devices.some((d) => d.kind === 'access-reader'))).toBe(true);
  });

  it('gives every ecosystem address once in the site', () => {
    const addresses = devices.filter((d) => d.source).map((d) => `${d.source?.ecosystem}:${d.source?.address}`);
    expect(new Set(addresses).size).toBe(addresses.length);
  });
});
