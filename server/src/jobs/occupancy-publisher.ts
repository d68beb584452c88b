import { type OccupancyEvent, occupancyEventSchema, topics } from '@dutyroom/domain';
import type { Logger, Queryable } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';

interface OccupancyRow {
  unit_id: string;
  status: string;
  since: string | null;
  start_water_m3: number | null;
  start_electricity_kwh: number | null;
  updated_at: number;
}

const SELECT = `select unit_id, status, to_char(since, 'YYYY-MM-DD') as since, start_water_m3, start_electricity_kwh,
  (extract(epoch from updated_at) * 1000)::float8 as updated_at from unit_occupancy where site_id = $1`;

export interface OccupancyPublisher {
  /** Publishes one unit's committed edit (persist, then publish). */
  publishUnit(unitId: string): Promise<void>;
  /** Publishes every edit again: a broker that lost its retained messages learns them back. */
  publishAll(): Promise<number>;
}

/**
 * Tells the ingest about occupancy edits made in the console: retained QoS 1 on
 * `dutyroom/v1/<site>/units/<unit>/occupancy`, so an ingest that starts later still gets the
 * latest edit of every unit. The database row stays the truth; this is its announcement.
 */
export function createOccupancyPublisher(deps: { db: Queryable; siteId: string; client: () => MqttClient | undefined; log: Logger }): OccupancyPublisher {
  const publish = async (row: OccupancyRow) => {
    const event: OccupancyEvent = occupancyEventSchema.parse({
      unitId: row.unit_id,
      status: row.status,
      since: row.since,
      startReadings: { waterM3: row.start_water_m3, electricityKwh: row.start_electricity_kwh },
      updatedAt: Math.round(row.updated_at),
    });
    const client = deps.client();
    if (client === undefined) throw new Error('occupancy edit not announced: no MQTT connection yet');
    await client.publishAsync(topics.unitOccupancy(deps.siteId, row.unit_id), JSON.stringify(event), { qos: 1, retain: true });
  };
  return {
    async publishUnit(unitId) {
      const { rows } = await deps.db.query<OccupancyRow>(`${SELECT} and unit_id = $2`, [deps.siteId, unitId]);
      for (const row of rows) await publish(row);
    },
    async publishAll() {
      const { rows } = await deps.db.query<OccupancyRow>(SELECT, [deps.siteId]);
      for (const row of rows) await publish(row);
      if (rows.length > 0) deps.log.info({ units: rows.length }, 'occupancy edits announced to the ingest');
      return rows.length;
    },
  };
}
