import { occupancyEventSchema, parseTopic, type SiteIndex, topicFilters } from '@dutyroom/domain';
import type { Logger } from '@dutyroom/platform';

export interface OccupancyFollower {
  /** The subscription filter for the site's occupancy edits. */
  readonly filter: string;
  claims(topic: string): boolean;
  /** Applies an edit to the site index; returns whether it changed anything. Never throws. */
  handle(topic: string, payload: Buffer): boolean;
}

/**
 * Follows occupancy edits made in the console (server → retained MQTT → here), so a unit set to
 * vacant is judged as vacant from its next reading on, without restarting the ingest. The site
 * file gives the starting point; an edit carries `updatedAt`, and an older edit (a retained
 * message replayed after a newer live one) never overrides a newer one.
 */
export function createOccupancyFollower(site: SiteIndex, log: Logger): OccupancyFollower {
  const applied = new Map<string, number>();
  return {
    filter: topicFilters.unitOccupancy(site.siteId),
    claims(topic) {
      const parsed = parseTopic(topic);
      return parsed?.kind === 'occupancy' && parsed.siteId === site.siteId;
    },
    handle(topic, payload) {
      // An empty retained payload clears the topic: nothing to apply.
      if (payload.length === 0) return false;
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch {
        json = undefined;
      }
      const parsed = occupancyEventSchema.safeParse(json);
      const topicUnit = parseTopic(topic);
      if (!parsed.success || topicUnit?.kind !== 'occupancy' || topicUnit.unitId !== parsed.data?.unitId) {
        log.warn({ topic }, 'ignored a malformed occupancy edit');
        return false;
      }
      const edit = parsed.data;
      if ((applied.get(edit.unitId) ?? 0) >= edit.updatedAt) return false;
      const unit = site.applyOccupancy(edit.unitId, {
        status: edit.status,
        since: edit.since ?? undefined,
        startReadings: {
          ...(edit.startReadings.waterM3 === null ? {} : { waterM3: edit.startReadings.waterM3 }),
          ...(edit.startReadings.electricityKwh === null ? {} : { electricityKwh: edit.startReadings.electricityKwh }),
        },
      });
      if (unit === undefined) {
        log.warn({ unitId: edit.unitId }, 'occupancy edit for a unit not in the site file');
        return false;
      }
      applied.set(edit.unitId, edit.updatedAt);
      log.info({ unitId: edit.unitId, occupancy: edit.status }, 'occupancy edit applied');
      return true;
    },
  };
}
