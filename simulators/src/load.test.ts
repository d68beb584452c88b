import { describe, expect, it } from 'vitest';
import { checkLoadOptions, LOAD_LIMITS, loadDeviceId, loadSite } from './load.ts';

const valid = { url: 'mqtt://127.0.0.1:1883', siteId: 'load', devices: 100, ratePerSecond: 500, qos: 1 as const, durationSeconds: 10 };

describe(checkLoadOptions.name, () => {
  it('accepts a bounded run on loopback', () => {
    expect(() => checkLoadOptions(valid)).not.toThrow();
    expect(() => checkLoadOptions({ ...valid, url: 'mqtt://localhost' })).not.toThrow();
  });

  it.each<[string, Partial<typeof valid> & { allowRemote?: boolean }, RegExp]>([
    ['another host', { url: 'mqtt://10.0.0.5:1883' }, /not a loopback address; pass --allow-remote/],
    ['too many devices', { devices: LOAD_LIMITS.maxDevices + 1 }, /devices must be/],
    ['no devices', { devices: 0 }, /devices must be/],
    ['a rate beyond the bound', { ratePerSecond: LOAD_LIMITS.maxRatePerSecond + 1 }, /rate must be/],
    ['an hour and a second', { durationSeconds: 3601 }, /duration must be/],
    ['QoS 2', { qos: 2 as 1 }, /qos must be 0 or 1/],
  ])('refuses %s', (_title, change, message) => {
    expect(() => checkLoadOptions({ ...valid, ...change })).toThrow(message);
  });

  it('lets a remote broker be loaded when asked explicitly', () => {
    expect(() => checkLoadOptions({ ...valid, url: 'mqtt://10.0.0.5:1883', allowRemote: true })).not.toThrow();
  });
});

describe(loadSite.name, () => {
  it('holds every load device and the probe in occupied units, so load raises no anomaly', () => {
    const site = loadSite('load', 2500);
    const ids = site.units.flatMap((u) => u.devices.map((d) => d.id));
    expect(ids).toHaveLength(2501);
    expect(ids).toContain(loadDeviceId(2499));
    expect(ids).toContain('load-probe');
    expect(site.units.every((u) => u.occupancy.status === 'occupied')).toBe(true);
  });
});
