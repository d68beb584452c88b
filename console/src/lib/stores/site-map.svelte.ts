import { type SiteMapDto, siteMapUnitSchema } from '@dutyroom/domain';
import { api } from '../api/client.ts';
import { i18n } from '../i18n/i18n.svelte.ts';
import { getSocket } from '../realtime/socket.ts';

/**
 * The site's buildings → floors → units with occupancy. Open anomalies come live from the board
 * store; occupancy changes come as `unit:updated`; a reconnect reloads the whole map.
 */
class SiteMapStore {
  map = $state<SiteMapDto | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  #started = false;

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const socket = getSocket();
    socket.on('connect', () => void this.load());
    socket.on('unit:updated', (raw) => {
      const parsed = siteMapUnitSchema.safeParse(raw);
      if (!parsed.success || this.map === undefined) return;
      for (const building of this.map.buildings) {
        const index = building.units.findIndex((u) => u.id === parsed.data.id);
        if (index >= 0) building.units[index] = parsed.data;
      }
    });
    void this.load();
  }

  async load(): Promise<void> {
    try {
      this.map = await api.siteMap();
      i18n.timeZone = this.map.timezone;
      this.error = undefined;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }
}

export const siteMap = new SiteMapStore();
