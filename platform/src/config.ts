import { readFileSync } from 'node:fs';
import { type Config, configSchema, envNameFor, envVariables } from '@dutyroom/domain';
import { parse as parseYaml } from 'yaml';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Tree = { [key: string]: unknown };

function setPath(tree: Tree, path: readonly string[], value: unknown): void {
  let node = tree;
  path.slice(0, -1).forEach((key) => {
    const child = node[key];
    node[key] = typeof child === 'object' && child !== null ? child : {};
    node = node[key] as Tree;
  });
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

/**
 * Reads the configuration once: defaults, then the file named by DUTYROOM_CONFIG (YAML or
 * JSON), then the environment, then `overrides` (tests, the launcher). Reports every problem
 * at once, each with the variable that sets it. The only place that reads process.env.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Tree = {}): Config {
  const tree: Tree = {};
  const problems: string[] = [];
  const file = env['DUTYROOM_CONFIG'];
  if (file) {
    try {
      Object.assign(tree, parseYaml(readFileSync(file, 'utf8')) as Tree);
    } catch (error) {
      problems.push(`DUTYROOM_CONFIG=${file}: ${(error as Error).message}`);
    }
  }
  for (const [name, path] of Object.entries(envVariables)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(tree, path, value);
  }
  for (const [key, value] of Object.entries(overrides)) {
    const current = tree[key];
    tree[key] = typeof value === 'object' && value !== null && typeof current === 'object' && current !== null ? { ...current, ...value } : value;
  }
  const parsed = configSchema.safeParse(tree);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const env = envNameFor(issue.path);
      problems.push(`${issue.path.join('.')}${env ? ` (${env})` : ''}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}
