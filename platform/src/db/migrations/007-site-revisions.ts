import type { Migration } from './migration.ts';

/**
 * Revisions of the site document (buildings, units, devices, grids, people, rules), the source of
 * truth once seeded from the site file (docs/configuration.md §Site data). Append only: an edit
 * or an import adds the next revision; the primary key makes two concurrent edits of the same
 * revision collide, so the second one is refused (409) instead of overwriting the first.
 */
export const siteRevisions: Migration = {
  id: 7,
  name: 'site-revisions',
  sql: `
create table site_revisions (
  site_id text not null,
  revision integer not null check (revision > 0),
  document jsonb not null,
  author text not null,
  comment text not null default '',
  created_at timestamptz not null default now(),
  primary key (site_id, revision)
);
`,
};
