import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSchemas, schemasDir } from '../../../scripts/write-schemas.ts';

describe('docs/schemas', () => {
  const rendered = renderSchemas();

  it('holds exactly one schema per native JSON channel (run `npx tsx scripts/write-schemas.ts` after a schema change)', () => {
    const committed = existsSync(schemasDir) ? readdirSync(schemasDir).filter((f) => f.endsWith('.json')) : [];
    expect(committed.sort()).toEqual(Object.keys(rendered).sort());
  });

  it.each(Object.keys(rendered))('%s matches the zod schema (run `npx tsx scripts/write-schemas.ts`)', (name) => {
    const path = join(schemasDir, name);
    expect(existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : '(missing)').toEqual(JSON.parse(rendered[name] ?? 'null'));
  });
});
