import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { USAGE } from './admin-commands.ts';

describe('npm run admin usage', () => {
  it('names every command the CLI dispatches, import-site included', () => {
    const sources = ['admin-commands.ts', 'admin.ts'].map((f) => readFileSync(new URL(f, import.meta.url), 'utf8')).join('\n');
    const dispatched = [...sources.matchAll(/(?:case|command ===) '([a-z-]+)'/g)].map((m) => m[1] as string);
    expect(dispatched).toContain('import-site');
    for (const command of dispatched) expect(USAGE).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });
});
