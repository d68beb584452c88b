import type { Queryable } from '@dutyroom/platform';

export interface ShiftRow {
  readonly id: string;
  readonly personId: string;
  readonly startsAt: number;
  readonly endsAt: number;
}

/** 值班: shifts of on-duty stewards and each person's own on-duty toggle. */
export const rosterRepository = {
  async shifts(db: Queryable, siteId: string, from: number): Promise<ShiftRow[]> {
    const { rows } = await db.query<ShiftRow>(
      `select id::text as id, person_id as "personId", (extract(epoch from starts_at) * 1000)::float8 as "startsAt",
       (extract(epoch from ends_at) * 1000)::float8 as "endsAt" from roster_shifts
       where site_id = $1 and ends_at > to_timestamp($2 / 1000.0) order by starts_at limit 500`,
      [siteId, from],
    );
    return rows;
  },

  /** Shifts overlapping [from, to): the roster editor's week, past shifts of it included. */
  async shiftsBetween(db: Queryable, siteId: string, from: number, to: number): Promise<ShiftRow[]> {
    const { rows } = await db.query<ShiftRow>(
      `select id::text as id, person_id as "personId", (extract(epoch from starts_at) * 1000)::float8 as "startsAt",
       (extract(epoch from ends_at) * 1000)::float8 as "endsAt" from roster_shifts
       where site_id = $1 and ends_at > to_timestamp($2 / 1000.0) and starts_at < to_timestamp($3 / 1000.0) order by starts_at limit 1000`,
      [siteId, from, to],
    );
    return rows;
  },

  async addShift(db: Queryable, siteId: string, shift: Omit<ShiftRow, 'id'>, by: string): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `insert into roster_shifts (site_id, person_id, starts_at, ends_at, created_by)
       values ($1, $2, to_timestamp($3 / 1000.0), to_timestamp($4 / 1000.0), $5) returning id::text as id`,
      [siteId, shift.personId, shift.startsAt, shift.endsAt, by],
    );
    return rows[0]?.id ?? '';
  },

  async removeShift(db: Queryable, siteId: string, id: string): Promise<boolean> {
    const { rows } = await db.query('delete from roster_shifts where site_id = $1 and id = $2 returning id', [siteId, id]);
    return rows.length > 0;
  },

  async offDuty(db: Queryable, siteId: string): Promise<string[]> {
    const { rows } = await db.query<{ person_id: string }>('select person_id from duty_status where site_id = $1 and not on_duty', [siteId]);
    return rows.map((r) => r.person_id);
  },

  async setOnDuty(db: Queryable, siteId: string, personId: string, onDuty: boolean, at: number, by: string): Promise<void> {
    await db.query(
      `insert into duty_status (site_id, person_id, on_duty, changed_at, changed_by) values ($1, $2, $3, to_timestamp($4 / 1000.0), $5)
       on conflict (site_id, person_id) do update set on_duty = excluded.on_duty, changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
      [siteId, personId, onDuty, at, by],
    );
  },
};
