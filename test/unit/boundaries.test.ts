import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === '.svelte-kit' || name === 'build') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

const withoutComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');

/** Which packages a workspace may import (STYLE.md §8.2). */
const allowed: Record<string, RegExp> = {
  domain: /^(zod|\.{1,2}\/)/,
  ingest: /^(?!@dutyroom\/(server|launcher|simulators))/,
  server: /^(?!@dutyroom\/(ingest|launcher|simulators))/,
  console: /^(?!@dutyroom\/(?!domain)|node:|mqtt|pg|@electric-sql)/,
  simulators: /^(?!@dutyroom\/(ingest|server|launcher))/,
};

describe('architecture boundaries', () => {
  for (const [workspace, rule] of Object.entries(allowed)) {
    it(`${workspace} imports only what it may`, () => {
      const offending = sources(join(root, workspace, 'src'))
        .filter((file) => !file.endsWith('.test.ts'))
        .flatMap((file) =>
          importsOf(file)
            .filter((spec) => !rule.test(spec))
            .map((spec) => `${relative(root, file)} imports ${spec}`),
        );
      expect(offending).toEqual([]);
    });
  }

  it('topic strings are written only in domain/src/topics.ts', () => {
    const offending = ['domain', 'platform', 'ingest', 'server', 'launcher', 'simulators', 'console']
      .flatMap((w) => sources(join(root, w, 'src')))
      .filter((file) => !file.endsWith('domain/src/topics.ts') && !file.endsWith('.test.ts'))
      .filter((file) => /['"`]dutyroom\/v\d/.test(withoutComments(readFileSync(file, 'utf8'))))
      .map((file) => relative(root, file));
    expect(offending).toEqual([]);
  });

  it('domain code never reads the clock, randomness or the environment', () => {
    const offending = sources(join(root, 'domain/src'))
      .filter((file) => !file.endsWith('.test.ts'))
      .filter((file) => /Date\.now\(|Math\.random\(|randomUUID\(|process\.env/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offending).toEqual([]);
  });

  it('process.env is read only by the configuration loader and entry points', () => {
    const offending = ['platform', 'ingest', 'server', 'simulators']
      .flatMap((w) => sources(join(root, w, 'src')))
      .filter((file) => !/platform\/src\/config\.ts$|\/main\.ts$|\.test\.ts$/.test(file))
      .filter((file) => /process\.env/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offending).toEqual([]);
  });
});
