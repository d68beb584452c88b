import { createInterface } from 'node:readline';
import { ConfigError, loadConfig, loadSiteFile, openDatabase, SiteFileError } from '@dutyroom/platform';
import { ServiceError } from '../services/errors.ts';
import { runAdmin } from './admin-commands.ts';
import { importSiteCommand } from './import-site.ts';

/** Reads a password: hidden and asked twice on a terminal, the first line of standard input otherwise. */
async function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const lines = createInterface({ input: stdin })[Symbol.asyncIterator]();
    const first = await lines.next();
    return first.done ? '' : String(first.value);
  }
  const ask = (text: string) =>
    new Promise<string>((resolve) => {
      process.stdout.write(text);
      stdin.setRawMode(true);
      stdin.resume();
      let typed = '';
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.setRawMode(false);
            stdin.pause();
            stdin.off('data', onData);
            process.stdout.write('\n');
            resolve(typed);
            return;
          }
          if (char === '\u0003') process.exit(130);
          typed = char === '\u007f' ? typed.slice(0, -1) : typed + char;
        }
      };
      stdin.on('data', onData);
    });
  const first = await ask(prompt);
  if ((await ask('Again: ')) !== first) throw new ServiceError('VALIDATION', 'the two passwords differ');
  return first;
}

/** `npm run admin -- create-admin --username NAME`: see docs/security.md. */
async function main(): Promise<void> {
  const config = loadConfig();
  const site = await loadSiteFile(config.siteFile);
  const db = await openDatabase(config);
  try {
    const [command, ...rest] = process.argv.slice(2);
    if (command === 'import-site') {
      await importSiteCommand(rest, { db, mqtt: config.mqtt, print: (line) => process.stdout.write(`${line}\n`), now: Date.now });
      return;
    }
    await runAdmin(process.argv.slice(2), { db, siteId: site.site.id, readPassword, print: (line) => process.stdout.write(`${line}\n`), now: Date.now });
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  const known = error instanceof ServiceError || error instanceof ConfigError || error instanceof SiteFileError;
  process.stderr.write(`dutyroom admin: ${known ? (error as Error).message : (error as Error).stack}\n`);
  process.exit(1);
});
