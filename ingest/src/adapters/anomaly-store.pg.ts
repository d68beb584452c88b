import { type AnomalyDto, type DetectorEvent, type DeviceContext, dedupKey, type Reading } from '@dutyroom/domain';
import { ANOMALY_COLUMNS, type AnomalyRow, type Db, toAnomalyDto } from '@dutyroom/platform';

export interface AnomalyChange {
  readonly change: 'opened' | 'updated' | 'cleared';
  readonly anomaly: AnomalyDto;
}

export interface AnomalyStore {
  /**
   * Applies one reading's detector events in one transaction. A reading applied before (QoS 1
   * redelivery, replay) changes nothing and returns no changes.
   */
  apply(reading: Reading, device: DeviceContext, events: readonly DetectorEvent[]): Promise<AnomalyChange[]>;
}

export function createAnomalyStore(db: Db): AnomalyStore {
  return {
    apply: (reading, device, events) =>
      db.transaction(async (tx) => {
        const fresh = await tx.query('insert into processed_events (key) values ($1) on conflict do nothing returning key', [reading.idempotencyKey]);
        if (fresh.rows.length === 0) return [];
        const changes: AnomalyChange[] = [];
        for (const event of events) {
          const key = dedupKey(reading.siteId, event.rule, event.subject);
          if (event.type === 'raise') {
            // The partial unique index keeps one open anomaly per key; a repeat updates it.
            const { rows } = await tx.query<AnomalyRow & { inserted: boolean }>(
              `insert into anomalies (site_id, rule, subject, dedup_key, status, severity, unit_id, device_id,
                 opened_at, last_seen_at, reading_ts, evidence, drill)
               values ($1, $2, $3, $4, 'open', $5, $6, $7, to_timestamp($8 / 1000.0), to_timestamp($8 / 1000.0), to_timestamp($8 / 1000.0), $9, $10)
               on conflict (dedup_key) where status = 'open' do update set
                 last_seen_at = greatest(anomalies.last_seen_at, excluded.last_seen_at),
                 reading_ts = excluded.reading_ts,
                 severity = excluded.severity,
                 evidence = excluded.evidence,
                 count = anomalies.count + 1,
                 version = anomalies.version + 1
               returning ${ANOMALY_COLUMNS}, (xmax = 0) as inserted`,
              [
                reading.siteId,
                event.rule,
                event.subject,
                key,
                event.severity,
                device.unit?.id ?? null,
                reading.deviceId,
                reading.ts,
                JSON.stringify(event.evidence),
                reading.drill,
              ],
            );
            const row = rows[0];
            if (row) changes.push({ change: row.inserted ? 'opened' : 'updated', anomaly: toAnomalyDto(row) });
          } else {
            const { rows } = await tx.query<AnomalyRow>(
              `update anomalies set status = 'cleared', cleared_at = to_timestamp($2 / 1000.0), version = version + 1
               where dedup_key = $1 and status = 'open' returning ${ANOMALY_COLUMNS}`,
              [key, reading.ts],
            );
            const row = rows[0];
            if (row) changes.push({ change: 'cleared', anomaly: toAnomalyDto(row) });
          }
        }
        return changes;
      }),
  };
}
