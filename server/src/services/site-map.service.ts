import {
  type OccupancyUpdate,
  ownerPhoneFor,
  type Permission,
  type Severity,
  type SiteFile,
  type SiteMapDto,
  type SiteMapUnit,
  type UnitDetailDto,
  type UnitHistoryItem,
  type UnitOccupancy,
  type UserDto,
} from '@dutyroom/domain';
import type { Db, Queryable } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import type { TelemetryReader } from '../telemetry/telemetry-reader.ts';
import { type GridScope, requirePermission } from './access.ts';
import { ServiceError } from './errors.ts';

const SEVERITY_ORDER: readonly Severity[] = ['P1', 'P2', 'P3', 'P4'];

interface UnitRow {
  id: string;
  building_id: string;
  floor: number;
  occupancy: string;
  key_held: boolean;
  grid_id: string;
  owner_name: string | null;
  owner_phone: string | null;
  since: string | null;
  start_water_m3: number | null;
  start_electricity_kwh: number | null;
  updated_at: number | null;
  updated_by: string | null;
}

const UNIT_SELECT = `select u.id, u.building_id, u.floor, u.occupancy, u.key_held, u.grid_id, u.owner_name, u.owner_phone,
  to_char(o.since, 'YYYY-MM-DD') as since, o.start_water_m3, o.start_electricity_kwh,
  (extract(epoch from o.updated_at) * 1000)::float8 as updated_at, o.updated_by
  from units u left join unit_occupancy o on o.site_id = u.site_id and o.unit_id = u.id`;

/**
 * `units` is re-synced from the site file at every start; occupancy edited in the console is
 * kept in `unit_occupancy` and laid over it again here, so an edit survives a restart.
 */
export async function applyOccupancyEdits(db: Queryable, siteId: string): Promise<void> {
  await db.query(`update units u set occupancy = o.status from unit_occupancy o where o.site_id = u.site_id and o.unit_id = u.id and u.site_id = $1`, [siteId]);
}

async function openAnomaliesByUnit(db: Queryable, siteId: string, unitId?: string): Promise<Map<string, { n: number; worst: Severity }>> {
  const { rows } = await db.query<{ unit_id: string; n: number; worst: Severity }>(
    `select unit_id, count(*)::int as n, min(severity) as worst from anomalies
     where site_id = $1 and status = 'open' and unit_id is not null ${unitId === undefined ? '' : 'and unit_id = $2'} group by unit_id`,
    unitId === undefined ? [siteId] : [siteId, unitId],
  );
  return new Map(rows.map((r) => [r.unit_id, { n: r.n, worst: r.worst }]));
}

export interface SiteMapDeps {
  readonly db: Db;
  readonly site: SiteFile;
  readonly telemetry: TelemetryReader;
  readonly now: () => number;
  /** Which units a steward sees (issue 6): those of the grids they cover now. */
  readonly scope: GridScope;
  /** Told after a committed change to a unit (recolours the map on the consoles allowed to see its grid). */
  readonly onUnitChanged: (unit: SiteMapUnit, gridId: string) => void;
}

export function createSiteMapService(deps: SiteMapDeps) {
  const { db, site } = deps;
  const siteId = site.site.id;

  const mapUnit = (row: Pick<UnitRow, 'id' | 'floor' | 'occupancy'>, open: { n: number; worst: Severity } | undefined): SiteMapUnit => ({
    id: row.id,
    floor: row.floor,
    occupancy: row.occupancy as SiteMapUnit['occupancy'],
    openAnomalies: open?.n ?? 0,
    worst: open !== undefined && SEVERITY_ORDER.includes(open.worst) ? open.worst : null,
  });

  const occupancyOf = (row: UnitRow): UnitOccupancy => ({
    status: row.occupancy as UnitOccupancy['status'],
    since: row.since,
    startReadings: { waterM3: row.start_water_m3, electricityKwh: row.start_electricity_kwh },
    updatedAt: row.updated_at === null ? null : Number(row.updated_at),
    updatedBy: row.updated_by,
  });

  const unitRow = async (q: Queryable, unitId: string): Promise<UnitRow> => {
    const { rows } = await q.query<UnitRow>(`${UNIT_SELECT} where u.site_id = $1 and u.id = $2`, [siteId, unitId]);
    const row = rows[0];
    if (row === undefined) throw new ServiceError('NOT_FOUND', `no unit ${unitId}`);
    return row;
  };

  /**
   * The permission, then the unit, then its grid: a unit outside the user's grids answers
   * NOT_FOUND like an order out of scope (its existence is not revealed).
   */
  const visibleUnit = async (q: Queryable, user: UserDto | undefined, permission: Permission, unitId: string): Promise<{ user: UserDto; row: UnitRow }> => {
    requirePermission(user, permission, siteId);
    const row = await unitRow(q, unitId);
    const viewer = await deps.scope.requireVisible(user, permission, { id: unitId, siteId, gridId: row.grid_id });
    return { user: viewer, row };
  };

  return {
    /** For other unit routes (charts): throws unless the user may read this unit (403, or 404 out of scope). */
    async requireUnitVisible(user: UserDto | undefined, permission: Permission, unitId: string): Promise<UserDto> {
      return (await visibleUnit(db, user, permission, unitId)).user;
    },

    /**
     * Buildings → floors → units, each unit with its occupancy and open anomalies. A steward gets
     * the buildings but only the units of the grids they cover: another grid's occupancy (which
     * flats stand empty) and anomalies are not theirs to see (issue 6), and they act only on their own.
     */
    async map(user: UserDto | undefined): Promise<SiteMapDto> {
      const viewer = requirePermission(user, 'site:read', siteId);
      const [all, open] = await Promise.all([
        db.query<UnitRow>(`${UNIT_SELECT} where u.site_id = $1 order by u.building_id, u.floor, u.id`, [siteId]),
        openAnomaliesByUnit(db, siteId),
      ]);
      const rows = await deps.scope.visible(
        viewer,
        all.rows.map((row) => ({ ...row, siteId, gridId: row.grid_id })),
      );
      const byBuilding = new Map<string, SiteMapUnit[]>();
      for (const row of rows) {
        const list = byBuilding.get(row.building_id) ?? [];
        list.push(mapUnit(row, open.get(row.id)));
        byBuilding.set(row.building_id, list);
      }
      return {
        siteId,
        name: site.site.name,
        timezone: site.site.timezone,
        buildings: site.buildings.map((b) => ({ id: b.id, name: b.name, kind: b.kind, floors: b.floors, units: byBuilding.get(b.id) ?? [] })),
      };
    },

    async unit(user: UserDto | undefined, unitId: string): Promise<UnitDetailDto> {
      const { user: viewer, row } = await visibleUnit(db, user, 'site:read', unitId);
      const devices = site.units.find((u) => u.id === unitId)?.devices ?? [];
      const deviceIds = devices.map((d) => d.id);
      const [recent, history] = await Promise.all([deps.telemetry.recent(siteId, deviceIds, 30), this.history(unitId, deviceIds)]);
      // In scope by now; whole only with owners:contact (SPEC §3: 尊重业主的隐私权).
      const phone = ownerPhoneFor(viewer.role, row.owner_phone);
      return {
        id: row.id,
        buildingId: row.building_id,
        floor: row.floor,
        gridId: row.grid_id,
        keyHeld: row.key_held,
        occupancy: occupancyOf(row),
        owner: row.owner_name === null ? null : { name: row.owner_name, phone, masked: phone !== row.owner_phone },
        devices: devices.map((d) => {
          const last = recent.find((r) => r.deviceId === d.id);
          return { id: d.id, kind: d.kind, hasValve: d.hasValve ?? false, lastTs: last?.ts ?? null, lastValue: last?.value ?? null };
        }),
        recentReadings: recent,
        history,
      };
    },

    /** Anomalies, work orders and audited changes of a unit, newest first. */
    async history(unitId: string, deviceIds: readonly string[]): Promise<UnitHistoryItem[]> {
      const [anomalies, orders, audits] = await Promise.all([
        db.query<{ id: string; at: number; rule: string; severity: Severity; status: string }>(
          `select id::text as id, (extract(epoch from opened_at) * 1000)::float8 as at, rule, severity, status from anomalies
           where site_id = $1 and (unit_id = $2 or device_id = any($3::text[])) order by opened_at desc limit 50`,
          [siteId, unitId, deviceIds],
        ),
        db.query<{ id: string; at: number; zh: string; en: string; severity: Severity; status: string }>(
          `select id::text as id, (extract(epoch from created_at) * 1000)::float8 as at, title_zh as zh, title_en as en, severity, status
           from work_orders where site_id = $1 and unit_id = $2 order by created_at desc limit 50`,
          [siteId, unitId],
        ),
        db.query<{ id: string; at: number; action: string; actor: string; detail: { status?: string } }>(
          `select id::text as id, (extract(epoch from at) * 1000)::float8 as at, action, actor, detail from audit_log
           where subject_type = 'unit' and subject_id = $1 order by at desc limit 50`,
          [`${siteId}/${unitId}`],
        ),
      ]);
      const items: UnitHistoryItem[] = [
        ...anomalies.rows.map((a) => ({
          type: 'anomaly' as const,
          id: a.id,
          at: Number(a.at),
          text: { zh: a.rule, en: a.rule },
          severity: a.severity,
          status: a.status,
        })),
        ...orders.rows.map((w) => ({
          type: 'work-order' as const,
          id: w.id,
          at: Number(w.at),
          text: { zh: w.zh, en: w.en },
          severity: w.severity,
          status: w.status,
        })),
        ...audits.rows.map((e) => ({
          type: 'audit' as const,
          id: e.id,
          at: Number(e.at),
          text: { zh: `${e.actor}: 入住状态 → ${e.detail.status ?? ''}`, en: `${e.actor}: occupancy → ${e.detail.status ?? ''}` },
          severity: null,
          status: e.action,
        })),
      ];
      return items.sort((a, b) => b.at - a.at).slice(0, 60);
    },

    /** 入住状态: vacant, custody (with start date and readings), decorating…; stored, audited, then broadcast. */
    async updateOccupancy(user: UserDto | undefined, unitId: string, update: OccupancyUpdate): Promise<UnitDetailDto> {
      const { user: actor } = await visibleUnit(db, user, 'occupancy:edit', unitId);
      await db.transaction(async (tx) => {
        const before = await unitRow(tx, unitId);
        await tx.query(
          `insert into unit_occupancy (site_id, unit_id, status, since, start_water_m3, start_electricity_kwh, updated_at, updated_by)
           values ($1, $2, $3, $4::date, $5, $6, to_timestamp($7::float8 / 1000), $8)
           on conflict (site_id, unit_id) do update set status = excluded.status, since = excluded.since, start_water_m3 = excluded.start_water_m3,
             start_electricity_kwh = excluded.start_electricity_kwh, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
          [
            siteId,
            unitId,
            update.status,
            update.since ?? null,
            update.startReadings?.waterM3 ?? null,
            update.startReadings?.electricityKwh ?? null,
            deps.now(),
            actor.displayName,
          ],
        );
        await tx.query('update units set occupancy = $3 where site_id = $1 and id = $2', [siteId, unitId, update.status]);
        await audit(tx, {
          actor: actor.displayName,
          action: 'unit.occupancy',
          subjectType: 'unit',
          subjectId: `${siteId}/${unitId}`,
          detail: {
            siteId,
            from: before.occupancy,
            status: update.status,
            since: update.since ?? null,
            startReadings: update.startReadings ?? null,
            note: update.note ?? null,
          },
        });
      });
      const row = await unitRow(db, unitId);
      deps.onUnitChanged(mapUnit(row, (await openAnomaliesByUnit(db, siteId, unitId)).get(unitId)), row.grid_id);
      return this.unit(user, unitId);
    },
  };
}

export type SiteMapService = ReturnType<typeof createSiteMapService>;
