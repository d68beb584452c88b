import { readFile } from 'node:fs/promises';
import { detectors, diffCollections, diffSites, isEmptyDiff, type SiteFile, siteRevisionEventSchema, topics, validateSiteDocument } from '@dutyroom/domain';
import { connectMqtt, type Db, importSiteRevision, latestSiteRevision, parseSiteText, waitForConnect } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import { ServiceError } from '../services/errors.ts';

export const IMPORT_USAGE = `npm run admin -- import-site <file.yaml|file.json> [--dry-run] [--comment TEXT]

Replaces the site document with the file as its next revision (the console's edits stay in the
revision history). Prints what changes first; --dry-run stops there. With MQTT_URL set, a running
server and ingest are told and switch to it without a restart.`;

/**
 * `npm run admin -- import-site <file>`: the explicit way to take a changed site file over the
 * console's edits (docs/configuration.md §Site data). Audited with the actor `cli`.
 */
export async function importSiteCommand(
  argv: readonly string[],
  io: {
    db: Db;
    mqtt: { url?: string | undefined; username?: string | undefined; password?: string | undefined };
    print: (line: string) => void;
    now: () => number;
  },
): Promise<void> {
  const file = argv.find((a) => !a.startsWith('--'));
  if (file === undefined) throw new ServiceError('VALIDATION', IMPORT_USAGE);
  const at = argv.indexOf('--comment');
  const comment = at >= 0 ? (argv[at + 1] ?? '') : `imported from ${file}`;
  const text = parseSiteText(await readFile(file, 'utf8'), file.endsWith('.json') ? 'json' : 'yaml');
  const checked = text.ok ? validateSiteDocument(text.value, detectors) : text;
  if (!checked.ok)
    throw new ServiceError('VALIDATION', `${file} is not valid; nothing changed:\n${checked.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  const site: SiteFile = checked.site;
  const latest = await latestSiteRevision(io.db, site.site.id);
  if (latest !== undefined) {
    const diff = diffSites(latest.site, site);
    if (isEmptyDiff(diff)) {
      io.print(`site ${site.site.id}: the file equals revision ${latest.revision}; nothing to import`);
      return;
    }
    for (const c of diffCollections) {
      const d = diff[c];
      if (d.added.length + d.changed.length + d.removed.length > 0) io.print(`  ${c}: +${d.added.length} ~${d.changed.length} -${d.removed.length}`);
    }
    if (diff.settingsChanged) io.print('  settings changed');
  }
  if (argv.includes('--dry-run')) {
    io.print('dry run: nothing changed');
    return;
  }
  const saved = await importSiteRevision(io.db, site, 'cli', comment);
  await audit(io.db, {
    actor: 'cli',
    action: 'site.import',
    subjectType: 'site',
    subjectId: site.site.id,
    detail: { siteId: site.site.id, revision: saved.revision, comment },
  });
  io.print(`site ${site.site.id}: revision ${saved.revision} saved`);
  if (io.mqtt.url === undefined) return;
  const client = connectMqtt({ ...io.mqtt, url: io.mqtt.url }, { clientId: `dutyroom-admin-${process.pid}` });
  try {
    await waitForConnect(client);
    const event = siteRevisionEventSchema.parse({ siteId: site.site.id, revision: saved.revision, savedAt: io.now() });
    await client.publishAsync(topics.siteRevision(site.site.id), JSON.stringify(event), { qos: 1, retain: true });
    io.print('running server and ingest told');
  } finally {
    await client.endAsync();
  }
}
