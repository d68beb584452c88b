import type { ChainLevel, EscalationState, PushDeliveryDto, PushDto, Severity } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;

interface PushRow {
  id: string;
  site_id: string;
  anomaly_id: string | null;
  work_order_id: string | null;
  grid_id: string | null;
  severity: Severity;
  title: string;
  body: string;
  drill: boolean;
  status: PushDto['status'];
  level: number;
  repeats: number;
  next_at: number | null;
  chain: ChainLevel[];
  created_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  needs_ack: boolean;
}

const PUSH_COLUMNS = `p.id::text as id, p.site_id, p.anomaly_id::text as anomaly_id, w.id::text as work_order_id, p.grid_id, p.severity, p.title,
  p.body, p.drill, p.status, p.level, p.repeats, ${ms('p.next_at')} as next_at, p.chain, ${ms('p.created_at')} as created_at,
  ${ms('p.acknowledged_at')} as acknowledged_at, p.acknowledged_by, (p.severity in ('P1', 'P2') and p.status <> 'sent') as needs_ack`;
const PUSH_FROM = `pushes p left join work_orders w on (p.work_order_id is not null and w.id = p.work_order_id)
  or (p.work_order_id is null and p.anomaly_id is not null and w.anomaly_id = p.anomaly_id)`;

const DELIVERY_COLUMNS = `id::text as id, push_id::text as push_id, channel, target, person_id as "personId", level, status, attempts,
  ${ms('next_attempt_at')} as "nextAttemptAt", last_error as "lastError", http_status as "httpStatus", ${ms('delivered_at')} as "deliveredAt"`;

export type StoredPush = Omit<PushDto, 'deliveries'> & { readonly chain: ChainLevel[]; readonly escalation: EscalationState };

const toPush = (r: PushRow): StoredPush => ({
  id: r.id,
  siteId: r.site_id,
  anomalyId: r.anomaly_id,
  workOrderId: r.work_order_id,
  gridId: r.grid_id,
  severity: r.severity,
  title: r.title,
  body: r.body,
  drill: r.drill,
  status: r.status,
  needsAck: r.needs_ack,
  createdAt: r.created_at,
  nextAt: r.next_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  chain: r.chain,
  escalation: { status: r.status, level: r.level, repeats: r.repeats, nextAt: r.next_at },
});

export interface NewDelivery {
  readonly channel: PushDeliveryDto['channel'];
  readonly target: string;
  readonly personId: string | null;
  readonly level: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly error?: string;
}

export interface DueDelivery extends PushDeliveryDto {
  readonly pushId: string;
}

export const pushesRepository = {
  /** One push per anomaly: returns undefined when the anomaly already has one. */
  async insert(
    db: Queryable,
    p: { siteId: string; anomalyId: string; gridId: string | null; severity: Severity; title: string; body: string; drill: boolean; chain: ChainLevel[] },
    state: EscalationState,
    now: number,
  ): Promise<string | undefined> {
    const { rows } = await db.query<{ id: string }>(
      `insert into pushes (site_id, anomaly_id, grid_id, severity, title, body, drill, status, level, repeats, next_at, chain, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11 / 1000.0), $12, to_timestamp($13 / 1000.0))
       on conflict (anomaly_id) do nothing returning id::text as id`,
      [
        p.siteId,
        p.anomalyId,
        p.gridId,
        p.severity,
        p.title,
        p.body,
        p.drill,
        state.status,
        state.level,
        state.repeats,
        state.nextAt,
        JSON.stringify(p.chain),
        now,
      ],
    );
    return rows[0]?.id;
  },

  /** A push about a work order itself (an SLA escalation); `dedupKey` makes a repeated event harmless. */
  async insertForOrder(
    db: Queryable,
    p: { siteId: string; workOrderId: string; dedupKey: string; gridId: string | null; severity: Severity; title: string; body: string; drill: boolean },
    now: number,
  ): Promise<string | undefined> {
    const { rows } = await db.query<{ id: string }>(
      `insert into pushes (site_id, work_order_id, dedup_key, grid_id, severity, title, body, drill, status, chain, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'sent', '[]', to_timestamp($9 / 1000.0))
       on conflict (dedup_key) do nothing returning id::text as id`,
      [p.siteId, p.workOrderId, p.dedupKey, p.gridId, p.severity, p.title, p.body, p.drill, now],
    );
    return rows[0]?.id;
  },

  async find(db: Queryable, id: string): Promise<StoredPush | undefined> {
    const { rows } = await db.query<PushRow>(`select ${PUSH_COLUMNS} from ${PUSH_FROM} where p.id = $1`, [id]);
    return rows[0] && toPush(rows[0]);
  },

  async findByAnomaly(db: Queryable, anomalyId: string): Promise<StoredPush | undefined> {
    const { rows } = await db.query<PushRow>(`select ${PUSH_COLUMNS} from ${PUSH_FROM} where p.anomaly_id = $1`, [anomalyId]);
    return rows[0] && toPush(rows[0]);
  },

  /** Waiting escalations whose time has come, locked so two servers never advance one twice. */
  async dueEscalations(db: Queryable, now: number, limit: number): Promise<StoredPush[]> {
    const { rows } = await db.query<PushRow>(
      `select ${PUSH_COLUMNS} from ${PUSH_FROM} where p.id in (
         select id from pushes where status = 'waiting' and next_at <= to_timestamp($1 / 1000.0) order by next_at limit $2 for update skip locked)`,
      [now, limit],
    );
    return rows.map(toPush);
  },

  async saveState(db: Queryable, id: string, s: EscalationState, ack?: { at: number; by: string }): Promise<void> {
    await db.query(
      `update pushes set status = $2, level = $3, repeats = $4, next_at = to_timestamp($5 / 1000.0),
       acknowledged_at = coalesce(acknowledged_at, to_timestamp($6 / 1000.0)), acknowledged_by = coalesce(acknowledged_by, $7) where id = $1`,
      [id, s.status, s.level, s.repeats, s.nextAt, ack?.at ?? null, ack?.by ?? null],
    );
  },

  async addDeliveries(db: Queryable, pushId: string, deliveries: readonly NewDelivery[], now: number): Promise<void> {
    if (deliveries.length === 0) return;
    await db.query(
      `insert into push_deliveries (push_id, channel, target, person_id, level, status, attempts, next_attempt_at, last_error, created_at, updated_at, delivered_at)
       select $1, d->>'channel', d->>'target', d->>'personId', d->>'level', d->>'status', case when d->>'status' = 'pending' then 0 else 1 end,
         case when d->>'status' = 'pending' then to_timestamp($3 / 1000.0) end, d->>'error', to_timestamp($3 / 1000.0), to_timestamp($3 / 1000.0),
         case when d->>'status' = 'delivered' then to_timestamp($3 / 1000.0) end
       from jsonb_array_elements($2::jsonb) d`,
      [pushId, JSON.stringify(deliveries), now],
    );
  },

  async deliveries(db: Queryable, pushIds: readonly string[]): Promise<Map<string, PushDeliveryDto[]>> {
    const byPush = new Map<string, PushDeliveryDto[]>();
    if (pushIds.length === 0) return byPush;
    const { rows } = await db.query<PushDeliveryDto & { push_id: string }>(
      `select ${DELIVERY_COLUMNS} from push_deliveries where push_id = any($1::bigint[]) order by id`,
      [pushIds.map(Number)],
    );
    for (const { push_id, ...d } of rows) byPush.set(push_id, [...(byPush.get(push_id) ?? []), d]);
    return byPush;
  },

  /** Claims due deliveries for `leaseMs` so a crash mid-send only delays them, and two servers never both send. */
  async claimDue(db: Queryable, now: number, leaseMs: number, limit: number): Promise<DueDelivery[]> {
    const { rows } = await db.query<DueDelivery & { push_id: string }>(
      `update push_deliveries set next_attempt_at = to_timestamp($2 / 1000.0) where id in (
         select id from push_deliveries where status = 'pending' and next_attempt_at <= to_timestamp($1 / 1000.0)
         order by next_attempt_at limit $3 for update skip locked)
       returning ${DELIVERY_COLUMNS}`,
      [now, now + leaseMs, limit],
    );
    return rows.map(({ push_id, ...d }) => ({ ...d, pushId: push_id }));
  },

  async recordAttempt(
    db: Queryable,
    id: string,
    r: { status: PushDeliveryDto['status']; nextAttemptAt: number | null; error: string | null; httpStatus: number | null },
    now: number,
  ): Promise<void> {
    await db.query(
      `update push_deliveries set status = $2, attempts = attempts + 1, next_attempt_at = to_timestamp($3 / 1000.0), last_error = $4,
       http_status = $5, updated_at = to_timestamp($6 / 1000.0), delivered_at = case when $2 = 'delivered' then to_timestamp($6 / 1000.0) end
       where id = $1`,
      [id, r.status, r.nextAttemptAt, r.error, r.httpStatus, now],
    );
  },

  /** Pushes a person was paged for (newest first), for the steward's phone. */
  async forPerson(db: Queryable, siteId: string, personId: string, limit: number): Promise<StoredPush[]> {
    const { rows } = await db.query<PushRow>(
      `select ${PUSH_COLUMNS} from ${PUSH_FROM} where p.site_id = $1
       and exists (select 1 from push_deliveries d where d.push_id = p.id and d.person_id = $2) order by p.created_at desc, p.id desc limit $3`,
      [siteId, personId, limit],
    );
    return rows.map(toPush);
  },

  async recent(db: Queryable, siteId: string, limit: number): Promise<StoredPush[]> {
    const { rows } = await db.query<PushRow>(`select ${PUSH_COLUMNS} from ${PUSH_FROM} where p.site_id = $1 order by p.created_at desc, p.id desc limit $2`, [
      siteId,
      limit,
    ]);
    return rows.map(toPush);
  },

  async forWorkOrder(db: Queryable, workOrderId: string): Promise<StoredPush[]> {
    const { rows } = await db.query<PushRow>(`select ${PUSH_COLUMNS} from ${PUSH_FROM} where w.id = $1 order by p.id`, [workOrderId]);
    return rows.map(toPush);
  },

  async wasPaged(db: Queryable, pushId: string, personId: string): Promise<boolean> {
    const { rows } = await db.query('select 1 from push_deliveries where push_id = $1 and person_id = $2 limit 1', [pushId, personId]);
    return rows.length > 0;
  },
};

export const subscriptionsRepository = {
  async upsert(db: Queryable, userId: string, s: { endpoint: string; p256dh: string; auth: string; userAgent: string | null }): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `insert into push_subscriptions (user_id, endpoint, p256dh, auth, user_agent) values ($1, $2, $3, $4, $5)
       on conflict (endpoint) do update set user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, user_agent = excluded.user_agent
       returning id::text as id`,
      [Number(userId), s.endpoint, s.p256dh, s.auth, s.userAgent],
    );
    return rows[0]?.id ?? '';
  },

  async remove(db: Queryable, userId: string, endpoint: string): Promise<boolean> {
    const { rows } = await db.query('delete from push_subscriptions where user_id = $1 and endpoint = $2 returning id', [Number(userId), endpoint]);
    return rows.length > 0;
  },

  async removeById(db: Queryable, id: string): Promise<void> {
    await db.query('delete from push_subscriptions where id = $1', [id]);
  },

  async find(db: Queryable, id: string): Promise<{ endpoint: string; p256dh: string; auth: string } | undefined> {
    const { rows } = await db.query<{ endpoint: string; p256dh: string; auth: string }>('select endpoint, p256dh, auth from push_subscriptions where id = $1', [
      id,
    ]);
    return rows[0];
  },

  async markSuccess(db: Queryable, id: string, now: number): Promise<void> {
    await db.query('update push_subscriptions set last_success_at = to_timestamp($2 / 1000.0) where id = $1', [id, now]);
  },

  /** Subscriptions of every account linked to these people on the site. */
  async forPeople(db: Queryable, siteId: string, personIds: readonly string[]): Promise<{ id: string; personId: string; userId: string }[]> {
    if (personIds.length === 0) return [];
    const { rows } = await db.query<{ id: string; personId: string; userId: string }>(
      `select s.id::text as id, u.person_id as "personId", u.id::text as "userId" from push_subscriptions s join users u on u.id = s.user_id
       where u.site_id = $1 and u.person_id = any($2) and not u.disabled order by s.id`,
      [siteId, personIds],
    );
    return rows;
  },

  async usersOf(db: Queryable, siteId: string, personIds: readonly string[]): Promise<{ userId: string; personId: string }[]> {
    if (personIds.length === 0) return [];
    const { rows } = await db.query<{ userId: string; personId: string }>(
      `select id::text as "userId", person_id as "personId" from users where site_id = $1 and person_id = any($2) and not disabled`,
      [siteId, personIds],
    );
    return rows;
  },
};
