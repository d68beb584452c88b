// Builds the console when console/build is missing or older than its sources or the domain package.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const newest = (dir) => {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
};
const built = join(root, 'console/build/index.html');
const sources = Math.max(newest(join(root, 'console/src')), newest(join(root, 'domain/src')), statSync(join(root, 'console/svelte.config.js')).mtimeMs);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log('Building the console…');
  execSync('npm run build -w console', { cwd: root, stdio: 'inherit' });
}
