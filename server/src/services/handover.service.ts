import { type HandoverNote, OPEN_STATUSES, type ShiftKpis, type UserDto } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import { bucketStart, localShiftMs, zoneOffsetMs } from '../telemetry/consumption.ts';
import { requirePermission } from './access.ts';
import { ServiceError } from './errors.ts';

const DAY = 86_400_000;

interface NoteRow {
  id: string;
  author: string;
  body: string;
  kpis: ShiftKpis;
  created_at: number;
  taken_over_by: string | null;
  taken_over_at: number | null;
}

const NOTE_COLUMNS = `id::text as id, author, body, kpis, (extract(epoch from created_at) * 1000)::float8 as created_at, taken_over_by,
  (extract(epoch from taken_over_at) * 1000)::float8 as taken_over_at`;

const toNote = (r: NoteRow): HandoverNote => ({
  id: r.id,
  author: r.author,
  body: r.body,
  createdAt: Number(r.created_at),
  kpis: r.kpis,
  takenOverBy: r.taken_over_by,
  takenOverAt: r.taken_over_at === null ? null : Number(r.taken_over_at),
});

export interface HandoverDeps {
  readonly db: Db;
  readonly siteId: string;
  readonly timezone: string;
  readonly now: () => number;
  readonly onNote: (note: HandoverNote) => void;
}

/** 交接班 notes and the shift's KPIs (open P1/P2, breaches today, mean times to acknowledge and to arrive). */
export function createHandoverService(deps: HandoverDeps) {
  const { db, siteId } = deps;

  const kpis = async (): Promise<ShiftKpis> => {
    const now = deps.now();
    const midnight = bucketStart(now, DAY, localShiftMs(DAY, zoneOffsetMs(deps.timezone, now)));
    const [open, ack, arrive, breaches] = await Promise.all([
      db.query<{ p1: number; p2: number }>(
        `select count(*) filter (where severity = 'P1')::int as p1, count(*) filter (where severity = 'P2')::int as p2
         from work_orders where site_id = $1 and status = any($2::text[])`,
        [siteId, OPEN_STATUSES],
      ),
      db.query<{ s: number | null }>(
        `select avg(extract(epoch from acknowledged_at - created_at))::float8 as s from work_orders
         where site_id = $1 and acknowledged_at is not null and created_at >= to_timestamp($2::float8 / 1000)`,
        [siteId, midnight],
      ),
      // Arrival: the 'arrive' action on the work order's timeline (work_order_events).
      db.query<{ s: number | null }>(
        `select avg(extract(epoch from e.at - w.created_at))::float8 as s from work_order_events e
         join work_orders w on w.id = e.work_order_id
         where w.site_id = $1 and e.action = 'arrive' and w.created_at >= to_timestamp($2::float8 / 1000)`,
        [siteId, midnight],
      ),
      // A breach: a timed step (物业跟随制) whose deadline passed today before it was done, or still open past it.
      db.query<{ n: number }>(
        `select count(*)::int as n from work_order_steps
         where site_id = $1 and due_at >= to_timestamp($2::float8 / 1000) and due_at < to_timestamp($3::float8 / 1000)
           and (done_at is null or done_at > due_at)`,
        [siteId, midnight, now],
      ),
    ]);
    const round = (s: number | null | undefined) => (s === null || s === undefined ? null : Math.round(Number(s)));
    return {
      openP1: open.rows[0]?.p1 ?? 0,
      openP2: open.rows[0]?.p2 ?? 0,
      breachesToday: breaches.rows[0]?.n ?? 0,
      meanSecondsToAcknowledge: round(ack.rows[0]?.s),
      meanSecondsToArrive: round(arrive.rows[0]?.s),
    };
  };

  return {
    async kpis(user: UserDto | undefined): Promise<ShiftKpis> {
      requirePermission(user, 'shift:read', siteId);
      return kpis();
    },
    async list(user: UserDto | undefined, limit: number): Promise<HandoverNote[]> {
      requirePermission(user, 'shift:read', siteId);
      const { rows } = await db.query<NoteRow>(`select ${NOTE_COLUMNS} from handover_notes where site_id = $1 order by created_at desc, id desc limit $2`, [
        siteId,
        limit,
      ]);
      return rows.map(toNote);
    },
    /** The outgoing operator writes the note; the shift's KPIs at that moment are kept with it. */
    async create(user: UserDto | undefined, body: string): Promise<HandoverNote> {
      const actor = requirePermission(user, 'shift:write', siteId);
      const figures = await kpis();
      const note = await db.transaction(async (tx) => {
        const { rows } = await tx.query<NoteRow>(
          `insert into handover_notes (site_id, author, body, kpis, created_at) values ($1, $2, $3, $4, to_timestamp($5::float8 / 1000)) returning ${NOTE_COLUMNS}`,
          [siteId, actor.displayName, body, JSON.stringify(figures), deps.now()],
        );
        const row = rows[0];
        if (row === undefined) throw new Error('insert returned no row');
        await audit(tx, { actor: actor.displayName, action: 'handover.create', subjectType: 'handover', subjectId: row.id, detail: { siteId } });
        return toNote(row);
      });
      deps.onNote(note);
      return note;
    },
    /** The incoming operator takes the shift over: signed once, by one person. */
    async takeOver(user: UserDto | undefined, id: string): Promise<HandoverNote> {
      const actor = requirePermission(user, 'shift:write', siteId);
      const note = await db.transaction(async (tx) => {
        const { rows } = await tx.query<NoteRow>(
          `update handover_notes set taken_over_by = $3, taken_over_at = to_timestamp($4::float8 / 1000)
           where site_id = $1 and id = $2::bigint and taken_over_by is null returning ${NOTE_COLUMNS}`,
          [siteId, id, actor.displayName, deps.now()],
        );
        const row = rows[0];
        if (row === undefined) throw new ServiceError('NOT_FOUND', `no handover note ${id} waiting to be taken over`);
        await audit(tx, { actor: actor.displayName, action: 'handover.take-over', subjectType: 'handover', subjectId: id, detail: { siteId } });
        return toNote(row);
      });
      deps.onNote(note);
      return note;
    },
  };
}

export type HandoverService = ReturnType<typeof createHandoverService>;
