/**
 * Writes the JSON Schemas of the native payloads to docs/schemas/<channel>.json, generated from
 * the zod schemas (domain/src/schemas/native-payloads.ts) with z.toJSONSchema. Run after changing
 * a payload schema:  npx tsx scripts/write-schemas.ts
 * test/unit/conformance/json-schemas.test.ts fails while the committed files are stale (it compares
 * content, so the formatter may lay the files out as it likes).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { nativePayloadSchemas } from '../domain/src/schemas/native-payloads.ts';
import { TOPIC_ROOT, TOPIC_VERSION } from '../domain/src/topics.ts';

export const schemasDir = join(new URL('..', import.meta.url).pathname, 'docs/schemas');

/** File name → file text, one per JSON channel. */
export function renderSchemas(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [channel, schema] of Object.entries(nativePayloadSchemas)) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    const document = {
      $id: `https://dutyroom.example/schemas/${TOPIC_VERSION}/${channel}.json`,
      title: `${TOPIC_ROOT}/${TOPIC_VERSION}/<site>/devices/<device>/${channel}`,
      ...json,
    };
    files[`${channel}.json`] = `${JSON.stringify(document, null, 2)}\n`;
  }
  return files;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(schemasDir, { recursive: true });
  for (const [name, text] of Object.entries(renderSchemas())) writeFileSync(join(schemasDir, name), text);
  // The repository's formatter owns the layout; the freshness test compares content, not layout.
  execFileSync('npx', ['biome', 'format', '--write', schemasDir], { stdio: 'inherit' });
  console.log(`wrote ${Object.keys(renderSchemas()).length} schemas to ${schemasDir}`);
}
