import { randomInt } from 'node:crypto';
import type { DispatchSettings, SiteFile, SiteIndex } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import type { GridScope } from '../services/access.ts';
import type { RosterService } from '../services/roster.service.ts';
import type { ConsoleChannel } from './console.ts';
import { createDispatcher, type Dispatcher } from './dispatcher.ts';
import { createNotifier, type Notifier } from './notifier.ts';
import { loadOrCreateVapidKeys } from './web-push.ts';

export interface NotifyDeps {
  readonly db: Db;
  readonly site: SiteFile;
  readonly index: SiteIndex;
  readonly roster: RosterService;
  readonly scope: GridScope;
  readonly console: () => ConsoleChannel;
  readonly now: () => number;
  readonly log: Logger;
  /** The live site's per-rule dispatch settings (pushes follow the work orders' dispatch). */
  readonly dispatch: () => DispatchSettings;
  /** How often due escalations and retries are looked for. */
  readonly tickMs?: number;
  readonly timeoutMs?: number;
}

export interface Notify {
  readonly notifier: Notifier;
  readonly dispatcher: Dispatcher;
  readonly vapidPublicKey: string;
  /** Escalations and deliveries due now (the timer calls it; tests may too). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/** Pushes: VAPID keys (made on first run), the notifier, the dispatcher and their timer. */
export async function startNotify(deps: NotifyDeps): Promise<Notify> {
  const log = deps.log.child({ module: 'server.notify' });
  const vapid = await loadOrCreateVapidKeys(deps.db);
  const dispatcher = createDispatcher({
    db: deps.db,
    site: deps.site,
    vapid,
    now: deps.now,
    random: () => randomInt(0, 1_000_000) / 1_000_000,
    log,
    ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
  });

  // A kick during a run marks it dirty, so deliveries stored meanwhile go out right after.
  let dirty = false;
  let sending: Promise<void> | undefined;
  const kick = () => {
    dirty = true;
    sending ??= (async () => {
      while (dirty) {
        dirty = false;
        await dispatcher.runDue();
      }
    })()
      .catch((error: unknown) => log.error({ err: error }, 'push dispatch failed'))
      .finally(() => {
        sending = undefined;
      });
  };

  const notifier = createNotifier({
    db: deps.db,
    site: deps.site,
    index: deps.index,
    roster: deps.roster,
    scope: deps.scope,
    get console() {
      return deps.console();
    },
    now: deps.now,
    log,
    kick,
    dispatch: deps.dispatch,
  });

  let ticking: Promise<void> | undefined;
  let ticks = 0;
  const tick = () => {
    ticking ??= (async () => {
      // The sweep is a safety net: every fifth tick is often enough.
      if (ticks++ % 5 === 0) await notifier.sweep();
      await notifier.escalate();
      kick();
      await sending;
    })().finally(() => {
      ticking = undefined;
    });
    return ticking;
  };
  const timer = setInterval(() => {
    tick().catch((error: unknown) => log.error({ err: error }, 'push tick failed'));
  }, deps.tickMs ?? 1000);
  timer.unref();

  return {
    notifier,
    dispatcher,
    vapidPublicKey: vapid.publicKey,
    tick,
    async stop() {
      clearInterval(timer);
      await ticking?.catch(() => undefined);
      await sending;
    },
  };
}
