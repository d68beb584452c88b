import type { Logger } from '@dutyroom/platform';
import type { TickOutcome, WorkOrderClocks } from '../services/work-order-clocks.service.ts';

export interface SlaTicker {
  /** Runs one pass now (tests drive the clock and call this; the timer calls it too). */
  tick(): Promise<TickOutcome>;
  stop(): Promise<void>;
}

/** Drives the SLA clocks every `everyMs`; passes never overlap within a process. */
export function startSlaTicker(clocks: WorkOrderClocks, log: Logger, everyMs: number): SlaTicker {
  let running: Promise<TickOutcome> | undefined;
  const tick = () => {
    running ??= clocks.tick().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    tick().then(
      (o) => {
        if (o.warnings + o.escalations + o.progressReminders > 0) log.info(o, 'SLA clocks fired');
      },
      (error: unknown) => log.error({ err: error }, 'SLA tick failed; the next tick retries'),
    );
  }, everyMs);
  timer.unref();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
