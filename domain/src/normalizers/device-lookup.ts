import type { Ecosystem } from '../site/device-source-schema.ts';
import type { SiteIndex } from '../site/site-index.ts';
import type { DeviceLookup } from './normalizer.ts';

/** Devices by id and by their identity in their ecosystem, resolved once from the site. */
export function createDeviceLookup(site: SiteIndex): DeviceLookup {
  const bySource = new Map<string, ReturnType<SiteIndex['device']>>();
  for (const device of site.devices) {
    const source = device.device.source;
    if (source !== undefined) bySource.set(`${source.ecosystem}\u0000${source.address}`, device);
  }
  return {
    byId: (deviceId) => site.device(deviceId),
    bySource: (ecosystem: Ecosystem, address: string) => bySource.get(`${ecosystem}\u0000${address}`),
  };
}
