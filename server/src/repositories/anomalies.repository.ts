import type { AnomalyDto } from '@dutyroom/domain';
import { ANOMALY_COLUMNS, type AnomalyRow, findAnomaly, type Queryable, toAnomalyDto } from '@dutyroom/platform';

export const anomaliesRepository = {
  find: findAnomaly,
  async listOpen(db: Queryable, siteId: string): Promise<AnomalyDto[]> {
    const { rows } = await db.query<AnomalyRow>(
      `select ${ANOMALY_COLUMNS} from anomalies where site_id = $1 and status = 'open' order by last_seen_at desc limit 2000`,
      [siteId],
    );
    return rows.map(toAnomalyDto);
  },
};
