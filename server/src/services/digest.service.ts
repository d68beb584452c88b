import { dispatchRuleOf, localParts, localToInstant, type ShiftDigest, type UserDto } from '@dutyroom/domain';
import { ANOMALY_COLUMNS, type AnomalyRow, type Db, toAnomalyDto } from '@dutyroom/platform';
import { requirePermission } from './access.ts';

export interface DigestDeps {
  readonly db: Db;
  readonly siteId: string;
  readonly timezone: string;
  readonly now: () => number;
}

/**
 * 每日摘要 (issue 14, docs/work-orders.md §Dispatch): the anomalies of a local day that got no work
 * order and paged nobody — rules set to `never`, anomalies that cleared within their hold, those
 * still held — by rule and listed, so the shift still sees them. An incident counts once, its
 * members not (they are its). Judged by the orders that exist, not by today's settings.
 */
export function createDigestService(deps: DigestDeps) {
  const { db, siteId } = deps;

  function dayRange(day: string | undefined): { day: string; from: number; to: number } {
    const p = localParts(deps.now(), deps.timezone);
    const [y, m, d] = day === undefined ? [p.year, p.month, p.day] : day.split('-').map(Number);
    const from = localToInstant(deps.timezone, y ?? p.year, m ?? p.month, d ?? p.day, 0, 0);
    const next = localParts(from + 36 * 3_600_000, deps.timezone);
    const to = localToInstant(deps.timezone, next.year, next.month, next.day, 0, 0);
    const label = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    return { day: label, from, to };
  }

  return {
    async digest(user: UserDto | undefined, day?: string): Promise<ShiftDigest> {
      requirePermission(user, 'shift:read', siteId);
      const range = dayRange(day);
      const { rows } = await db.query<AnomalyRow>(
        `select ${ANOMALY_COLUMNS} from anomalies a
         where a.site_id = $1 and a.opened_at >= to_timestamp($2 / 1000.0) and a.opened_at < to_timestamp($3 / 1000.0) and not a.drill
           and (a.incident_id is null or a.split_at is not null)
           and not exists (select 1 from work_orders w where w.anomaly_id = a.id)
         order by a.opened_at desc limit 500`,
        [siteId, range.from, range.to],
      );
      const anomalies = rows.map(toAnomalyDto);
      const byRule = new Map<string, number>();
      for (const a of anomalies) byRule.set(dispatchRuleOf(a), (byRule.get(dispatchRuleOf(a)) ?? 0) + 1);
      return { ...range, notDispatched: [...byRule].map(([rule, count]) => ({ rule, count })).sort((a, b) => a.rule.localeCompare(b.rule)), anomalies };
    },
  };
}

export type DigestService = ReturnType<typeof createDigestService>;
