import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { siteFileSchema } from '@dutyroom/domain';
import { describe, expect, it } from 'vitest';
import { loadSiteFile } from './site-file.ts';
import { parseSiteText, siteToYaml } from './site-revisions.ts';

const sitesDir = new URL('../../sites/', import.meta.url).pathname;
const files = (await readdir(sitesDir)).filter((f) => f.endsWith('.yaml'));

describe(siteToYaml.name, () => {
  it.each(files)('%s: export then import gives the same document (YAML and JSON)', async (file) => {
    const site = await loadSiteFile(join(sitesDir, file));
    const yaml = parseSiteText(siteToYaml(site), 'yaml');
    const json = parseSiteText(JSON.stringify(site), 'json');
    expect(yaml.ok && siteFileSchema.parse(yaml.value)).toEqual(site);
    expect(json.ok && siteFileSchema.parse(json.value)).toEqual(site);
  });
});

describe(parseSiteText.name, () => {
  it('reports a syntax error instead of throwing', () => {
    expect(parseSiteText('site: [unclosed', 'yaml')).toMatchObject({ ok: false, issues: [{ path: '(file)' }] });
    expect(parseSiteText('{"site":', 'json')).toMatchObject({ ok: false, issues: [{ path: '(file)', message: expect.stringContaining('not valid JSON') }] });
  });
});
