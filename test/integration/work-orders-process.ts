/**
 * A server process of its own for the race test: started with `node --import tsx`, it runs the
 * real server against the PostgreSQL schema it is given, its clock set by the parent over IPC, and
 * answers each `tick` with the escalations this process published.
 */

import { readFile } from 'node:fs/promises';
import type { EscalationEvent } from '@dutyroom/domain';
import { openPostgres, parseSiteFile } from '@dutyroom/platform';
import { startWorkOrdersServer, testClock } from './work-orders-fixtures.ts';

type Command = { type: 'tick'; now: number } | { type: 'stop' };

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const site = parseSiteFile(await readFile(env('WO_SITE_FILE'), 'utf8'));
const db = await openPostgres(env('WO_DATABASE_URL'), env('WO_SCHEMA'));
const clock = testClock(Number(env('WO_NOW')));
const server = await startWorkOrdersServer({
  db,
  site,
  clock,
  broker: { url: env('WO_BROKER_URL') } as Parameters<typeof startWorkOrdersServer>[0]['broker'],
  dataDir: env('WO_DATA_DIR'),
  name: env('WO_NAME'),
});
const published: EscalationEvent[] = [];
server.escalations.subscribe((e) => {
  published.push(e);
});

process.on('message', (command: Command) => {
  if (command.type === 'stop') {
    void server
      .stop()
      .then(() => db.close())
      .then(() => process.exit(0));
    return;
  }
  clock.now = command.now;
  server.slaTicker.tick().then(
    () => process.send?.({ type: 'ticked', events: published.splice(0) }),
    (error: unknown) => process.send?.({ type: 'failed', message: String(error) }),
  );
});
process.send?.({ type: 'ready' });
