import type { SiteFile } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';

/** Mirrors the site file into the relational store (the file is the source of truth at start). */
export async function syncSite(tx: Queryable, file: SiteFile): Promise<void> {
  const siteId = file.site.id;
  await tx.query(
    `insert into sites (id, name, timezone) values ($1, $2, $3)
     on conflict (id) do update set name = excluded.name, timezone = excluded.timezone, loaded_at = now()`,
    [siteId, file.site.name, file.site.timezone],
  );
  for (const table of ['people', 'grids', 'units', 'devices']) await tx.query(`delete from ${table} where site_id = $1`, [siteId]);
  const json = (rows: unknown[]) => JSON.stringify(rows);
  await tx.query(
    `insert into people (site_id, id, name, role, phone)
     select $1, p->>'id', p->>'name', p->>'role', p->>'phone' from jsonb_array_elements($2::jsonb) p`,
    [siteId, json(file.people)],
  );
  await tx.query(
    `insert into grids (site_id, id, name, steward_id)
     select $1, g->>'id', g->>'name', g->>'steward' from jsonb_array_elements($2::jsonb) g`,
    [siteId, json(file.grids)],
  );
  const gridOfBuilding = new Map(file.buildings.map((b) => [b.id, b.grid]));
  const units = file.units.map((u) => ({
    id: u.id,
    building: u.building,
    floor: u.floor,
    occupancy: u.occupancy.status,
    keyHeld: u.keyHeld,
    grid: u.grid ?? gridOfBuilding.get(u.building),
    ownerName: u.owner?.name ?? null,
    ownerPhone: u.owner?.phone ?? null,
  }));
  await tx.query(
    `insert into units (site_id, id, building_id, floor, occupancy, key_held, grid_id, owner_name, owner_phone)
     select $1, u->>'id', u->>'building', (u->>'floor')::int, u->>'occupancy', (u->>'keyHeld')::boolean, u->>'grid', u->>'ownerName', u->>'ownerPhone'
     from jsonb_array_elements($2::jsonb) u`,
    [siteId, json(units)],
  );
  const devices = [
    ...file.buildings.flatMap((b) => b.devices.map((d) => ({ id: d.id, kind: d.kind, unit: null, building: b.id, hasValve: d.hasValve ?? false }))),
    ...file.units.flatMap((u) => u.devices.map((d) => ({ id: d.id, kind: d.kind, unit: u.id, building: u.building, hasValve: d.hasValve ?? false }))),
  ];
  await tx.query(
    `insert into devices (site_id, id, kind, unit_id, building_id, has_valve)
     select $1, d->>'id', d->>'kind', d->>'unit', d->>'building', (d->>'hasValve')::boolean from jsonb_array_elements($2::jsonb) d`,
    [siteId, json(devices)],
  );
}
