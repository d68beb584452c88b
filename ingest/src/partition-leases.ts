import type { Db, Logger, Queryable } from '@dutyroom/platform';

/**
 * Site leases held by one PostgreSQL connection: session advisory locks (`pg_try_advisory_lock`)
 * taken inside one transaction that stays open while the worker lives (so the pool never hands
 * the connection to anyone else). A
 * killed worker's connection closes, the transaction ends and its locks go with it; a live
 * worker's connection is checked every few seconds, and when it fails `lost` resolves (the worker
 * must then stop running those sites: another worker may lease them as soon as the database is back).
 */
export interface LeaseSession {
  tryAcquire(key: string): Promise<boolean>;
  release(key: string): Promise<void>;
  readonly lost: Promise<Error>;
  close(): Promise<void>;
}

const HEARTBEAT_MS = 1000;
/** Namespace (first int4 key) of Dutyroom's site leases. */
const LEASE_NAMESPACE = 0x4452_5953;

type Command = { run: (tx: Queryable) => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void };

export async function openLeaseSession(db: Db, log: Logger): Promise<LeaseSession> {
  if (db.kind !== 'postgres') throw new Error('site leases need PostgreSQL (DATABASE_URL): PGlite is one process');
  const queue: Command[] = [];
  let wake: (() => void) | undefined;
  let closing = false;
  let reportLost: (error: Error) => void = () => {};
  const lost = new Promise<Error>((resolve) => {
    reportLost = resolve;
  });
  let opened: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    opened = resolve;
  });

  const held = db
    .transaction(async (tx) => {
      await tx.query('select 1');
      opened();
      while (!closing) {
        const command = queue.shift();
        if (command === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, HEARTBEAT_MS).unref();
          });
          wake = undefined;
          // Heartbeat: a dead connection must be noticed while the worker still runs the sites.
          if (!closing && queue.length === 0) await tx.query('select 1');
          continue;
        }
        await command.run(tx).then(command.resolve, (error: unknown) => {
          command.reject(error);
          throw error;
        });
      }
    })
    .then(
      () => undefined,
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const command of queue.splice(0)) command.reject(failure);
        if (!closing) {
          log.warn({ err: failure }, 'lease connection lost');
          void db.close().catch(() => undefined);
          reportLost(failure);
        }
      },
    );
  await Promise.race([ready, held.then(() => Promise.reject(new Error('lease connection failed')))]);

  const send = <T>(run: (tx: Queryable) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      if (closing) return reject(new Error('lease session closed'));
      queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      wake?.();
    });

  return {
    tryAcquire: (key) =>
      send(async (tx) => {
        const { rows } = await tx.query<{ ok: boolean }>('select pg_try_advisory_lock($1::int, hashtext($2)) as ok', [LEASE_NAMESPACE, key]);
        return rows[0]?.ok === true;
      }),
    release: async (key) => {
      await send((tx) => tx.query('select pg_advisory_unlock($1::int, hashtext($2))', [LEASE_NAMESPACE, key]));
    },
    lost,
    async close() {
      closing = true;
      wake?.();
      await held;
      // Session locks outlive the transaction: closing the pool's connections gives them back.
      await db.close().catch(() => undefined);
    },
  };
}
