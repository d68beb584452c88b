import type { Ecosystem } from '../site/device-source-schema.ts';
import type { SiteIndex } from '../site/site-index.ts';
import type { DeviceLookup } from './normalizer.ts';

/**
 * Devices by id and by their identity in their ecosystem. The identity → id map is built once;
 * the device itself is always resolved through the site, so an occupancy edit made since is seen.
 */
export function createDeviceLookup(site: SiteIndex): DeviceLookup {
  const idBySource = new Map<string, string>();
  for (const device of site.devices) {
    const source = device.device.source;
    if (source !== undefined) idBySource.set(`${source.ecosystem}\u0000${source.address}`, device.device.id);
  }
  return {
    byId: (deviceId) => site.device(deviceId),
    bySource: (ecosystem: Ecosystem, address: string) => {
      const id = idBySource.get(`${ecosystem}\u0000${address}`);
      return id === undefined ? undefined : site.device(id);
    },
  };
}
