import { type AnomalyDto, INCIDENT_RULE, type UserDto } from '@dutyroom/domain';
import { ANOMALY_COLUMNS, type AnomalyRow, type Db, findAnomaly, type Logger, toAnomalyDto } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import { requirePermission, requireSiteAccess } from './access.ts';
import { ServiceError } from './errors.ts';
import type { Broadcast } from './work-orders.context.ts';

/** A wall card lists at most this many members; `total` says how many there are (a mass event may hold thousands). */
export const MEMBERS_LIMIT = 500;

export interface IncidentsDeps {
  readonly db: Db;
  readonly siteId: string;
  /** The console's rooms only (no push): the split member's own push is the dispatch's decision, in onAnomaly. */
  readonly broadcast: Pick<Broadcast, 'anomaly'>;
  /** The work-order side of an anomaly change: opens the split member's own order. */
  readonly onAnomaly: (anomalyId: string) => Promise<unknown>;
  readonly now: () => number;
  readonly log: Logger;
}

interface MemberState {
  status: AnomalyDto['status'];
  split: boolean;
  incident_id: string | null;
  incident_rule: string | null;
  incident_status: AnomalyDto['status'] | null;
  rule: string;
}

/**
 * Incidents (issue 14) as the console works with them: an incident's members for its card, and
 * splitting one member out so it stands alone and gets its own work order. The ingest forms
 * incidents; the dispatch decides orders; this service only reads members and records a split.
 */
export function createIncidentsService(deps: IncidentsDeps) {
  const { db, siteId, log } = deps;

  const loadInSite = async (id: string): Promise<AnomalyDto> => {
    const anomaly = await findAnomaly(db, id);
    if (anomaly === undefined || anomaly.siteId !== siteId) throw new ServiceError('NOT_FOUND', `no anomaly ${id}`);
    return anomaly;
  };

  return {
    /** An incident's members, newest first (the first MEMBERS_LIMIT), with how many it has in all. */
    async members(user: UserDto | undefined, id: string): Promise<{ items: AnomalyDto[]; total: number }> {
      requireSiteAccess(user, siteId);
      const incident = await loadInSite(id);
      if (incident.rule !== INCIDENT_RULE) throw new ServiceError('NOT_AN_INCIDENT', `anomaly ${id} is a ${incident.rule}, not an incident`);
      const [page, count] = await Promise.all([
        db.query<AnomalyRow>(`select ${ANOMALY_COLUMNS} from anomalies where incident_id = $1 order by opened_at desc, id desc limit ${MEMBERS_LIMIT}`, [id]),
        db.query<{ n: number }>('select count(*)::int as n from anomalies where incident_id = $1', [id]),
      ]);
      return { items: page.rows.map(toAnomalyDto), total: count.rows[0]?.n ?? 0 };
    },

    /**
     * 拆分为独立工单: the member leaves its incident's single order and gets one of its own. Recorded
     * (split_at, the audit log with the reason, the incident's `split` count) in one transaction;
     * then the console hears of both rows and the dispatch opens the member's order.
     */
    async split(user: UserDto | undefined, id: string, reason: string | undefined): Promise<AnomalyDto> {
      const actor = requirePermission(user, 'workOrders:dispatch', siteId);
      requireSiteAccess(actor, siteId);
      const incidentId = await db.transaction(async (tx) => {
        const { rows } = await tx.query<MemberState>(
          `select m.status, m.split_at is not null as split, m.incident_id::text as incident_id, m.rule,
                  i.rule as incident_rule, i.status as incident_status
           from anomalies m left join anomalies i on i.id = m.incident_id
           where m.id = $1 and m.site_id = $2 for update of m`,
          [id, siteId],
        );
        const member = rows[0];
        if (member === undefined) throw new ServiceError('NOT_FOUND', `no anomaly ${id}`);
        if (member.incident_id === null || member.incident_rule !== INCIDENT_RULE)
          throw new ServiceError('INCIDENT_NOT_MEMBER', `anomaly ${id} is not a member of an incident`);
        if (member.split) throw new ServiceError('INCIDENT_ALREADY_SPLIT', `anomaly ${id} was split out of incident ${member.incident_id} already`);
        if (member.incident_status !== 'open') throw new ServiceError('INCIDENT_NOT_MEMBER', `incident ${member.incident_id} has cleared`);
        if (member.status !== 'open') throw new ServiceError('INCIDENT_NOT_MEMBER', `anomaly ${id} has cleared; only an open member can be split out`);
        const at = deps.now();
        await tx.query('update anomalies set split_at = to_timestamp($2::float8 / 1000.0), version = version + 1 where id = $1', [id, at]);
        // Members and open counts stay the ingest's; the card shows how many of them stand alone now.
        await tx.query(
          `update anomalies set evidence = evidence || jsonb_build_object('split', coalesce((evidence->>'split')::int, 0) + 1), version = version + 1
           where id = $1`,
          [member.incident_id],
        );
        await audit(tx, {
          actor: actor.username,
          action: 'anomaly.split',
          subjectType: 'anomaly',
          subjectId: id,
          detail: { siteId, incidentId: member.incident_id, rule: member.rule, reason: reason ?? null },
          at,
        });
        return member.incident_id;
      });
      const [member, incident] = await Promise.all([loadInSite(id), findAnomaly(db, incidentId)]);
      deps.broadcast.anomaly(member);
      if (incident !== undefined) deps.broadcast.anomaly(incident);
      log.info({ anomalyId: id, incidentId, actor: actor.username }, 'member split out of its incident');
      // The split is committed; should the order fail to open now, the follower's sweep opens it later.
      await deps.onAnomaly(id).catch((error: unknown) => log.error({ err: error, anomalyId: id }, 'order of a split member not opened; the sweep will retry'));
      return member;
    },
  };
}

export type IncidentsService = ReturnType<typeof createIncidentsService>;
