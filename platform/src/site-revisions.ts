import { type SiteFile, type SiteRevisionInfo, siteFileSchema } from '@dutyroom/domain';
import { parseDocument, stringify } from 'yaml';
import type { Db, Queryable } from './db/db.ts';
import { SiteFileError } from './site-file.ts';

/**
 * The site document's revisions in the database (migration 007). The site file seeds revision 1
 * the first time a site starts; from then on the latest revision is the source of truth, edited
 * in the console or replaced by an explicit import (`npm run admin -- import-site <file>` or the
 * console's import panel). A site file changed later is NOT read over console edits: starting
 * with it only seeds a site that has no revision yet. docs/configuration.md §Site data.
 */

export const SEED_AUTHOR = 'site-file';

export interface SiteRevision extends SiteRevisionInfo {
  readonly site: SiteFile;
}

/** The edit was made on a revision that is no longer the latest (someone saved meanwhile). */
export class SiteRevisionConflict extends Error {
  constructor(
    readonly expected: number,
    readonly current: number,
  ) {
    super(`the site was changed meanwhile: your edit is on revision ${expected}, the current one is ${current}; reload and edit again`);
  }
}

interface Row {
  revision: number;
  document: unknown;
  author: string;
  comment: string;
  at: number;
}

const columns = `revision, document, author, comment, (extract(epoch from created_at) * 1000)::float8 as at`;

function toRevision(siteId: string, row: Row): SiteRevision {
  const document = typeof row.document === 'string' ? (JSON.parse(row.document) as unknown) : row.document;
  const parsed = siteFileSchema.safeParse(document);
  if (!parsed.success)
    throw new SiteFileError(
      `site_revisions ${siteId}#${row.revision}`,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  return { revision: Number(row.revision), author: row.author, comment: row.comment, at: Number(row.at), site: parsed.data };
}

export async function latestSiteRevision(db: Queryable, siteId: string): Promise<SiteRevision | undefined> {
  const { rows } = await db.query<Row>(`select ${columns} from site_revisions where site_id = $1 order by revision desc limit 1`, [siteId]);
  const row = rows[0];
  return row === undefined ? undefined : toRevision(siteId, row);
}

export async function siteRevisionAt(db: Queryable, siteId: string, revision: number): Promise<SiteRevision | undefined> {
  const { rows } = await db.query<Row>(`select ${columns} from site_revisions where site_id = $1 and revision = $2`, [siteId, revision]);
  const row = rows[0];
  return row === undefined ? undefined : toRevision(siteId, row);
}

export async function listSiteRevisions(db: Queryable, siteId: string, limit = 50): Promise<SiteRevisionInfo[]> {
  const { rows } = await db.query<Omit<Row, 'document'>>(
    `select revision, author, comment, (extract(epoch from created_at) * 1000)::float8 as at
     from site_revisions where site_id = $1 order by revision desc limit ${Math.max(1, Math.min(500, Math.floor(limit)))}`,
    [siteId],
  );
  return rows.map((r) => ({ revision: Number(r.revision), author: r.author, comment: r.comment, at: Number(r.at) }));
}

/**
 * THE loader of the site at start (server, ingest, launcher): the latest revision, or revision 1
 * seeded from the site file when the site has none. Two processes seeding at once both end with
 * the same revision 1 (the second insert does nothing).
 */
export async function loadCurrentSite(db: Queryable, fromFile: SiteFile): Promise<SiteRevision> {
  const siteId = fromFile.site.id;
  const latest = await latestSiteRevision(db, siteId);
  if (latest !== undefined) return latest;
  await db.query(`insert into site_revisions (site_id, revision, document, author, comment) values ($1, 1, $2, $3, $4) on conflict do nothing`, [
    siteId,
    JSON.stringify(fromFile),
    SEED_AUTHOR,
    'seeded from the site file',
  ]);
  const seeded = await latestSiteRevision(db, siteId);
  if (seeded === undefined) throw new Error(`site ${siteId}: revision 1 was not stored`);
  return seeded;
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === '23505';

/**
 * Saves `site` as revision `expected + 1`, in `tx` (the caller's transaction, with the audit row).
 * Throws SiteRevisionConflict when `expected` is not the latest revision.
 */
export async function saveSiteRevision(tx: Queryable, entry: { site: SiteFile; expected: number; author: string; comment: string }): Promise<SiteRevisionInfo> {
  const siteId = entry.site.site.id;
  const { rows } = await tx.query<{ latest: number | null }>(`select max(revision) as latest from site_revisions where site_id = $1`, [siteId]);
  const current = Number(rows[0]?.latest ?? 0);
  if (current !== entry.expected) throw new SiteRevisionConflict(entry.expected, current);
  try {
    const inserted = await tx.query<Omit<Row, 'document'>>(
      `insert into site_revisions (site_id, revision, document, author, comment) values ($1, $2, $3, $4, $5)
       returning revision, author, comment, (extract(epoch from created_at) * 1000)::float8 as at`,
      [siteId, current + 1, JSON.stringify(entry.site), entry.author, entry.comment],
    );
    const row = inserted.rows[0] as Omit<Row, 'document'>;
    return { revision: Number(row.revision), author: row.author, comment: row.comment, at: Number(row.at) };
  } catch (error) {
    // Another save of the same revision committed first (read committed lets both read the same max).
    if (isUniqueViolation(error)) throw new SiteRevisionConflict(entry.expected, current + 1);
    throw error;
  }
}

/** Replaces the site with an imported document as the next revision, whatever the latest is (the admin CLI). */
export async function importSiteRevision(db: Db, site: SiteFile, author: string, comment: string): Promise<SiteRevisionInfo> {
  return db.transaction(async (tx) => {
    const latest = await latestSiteRevision(tx, site.site.id);
    return saveSiteRevision(tx, { site, expected: latest?.revision ?? 0, author, comment });
  });
}

/** The document as a site file (YAML): importing it again gives the same document. */
export function siteToYaml(site: SiteFile): string {
  return stringify(site, { lineWidth: 0 });
}

/**
 * A site document's text (YAML or JSON) as plain data, or its syntax errors with line and column;
 * the caller validates the data with the site schema.
 */
export function parseSiteText(
  text: string,
  format: 'yaml' | 'json',
): { ok: true; value: unknown } | { ok: false; issues: { path: string; message: string }[] } {
  if (format === 'json') {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      return { ok: false, issues: [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }] };
    }
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { ok: false, issues: doc.errors.map((e) => ({ path: '(file)', message: e.message })) };
  return { ok: true, value: doc.toJS() as unknown };
}
