import { rooms, type ServerToClientEvents } from '@dutyroom/domain';
import type { RealtimeServer } from './gateway.ts';

/** How often the consoles are told to refetch their charts (telemetry arrives every ~30 s per meter). */
const TELEMETRY_TICK_MS = 10_000;

type Emit = <E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>) => void;

/**
 * Live events of the site map, charts and handover. HTTP routes are built before socket.io is
 * attached, so they get this hub and it is attached afterwards; before that, emits go nowhere.
 */
export function createConsoleLive(siteId: string) {
  let io: RealtimeServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  const emit: Emit = (event, ...args) => {
    io?.to(rooms.site(siteId)).emit(event, ...args);
  };
  return {
    emit,
    attach(server: RealtimeServer, now: () => number): void {
      io = server;
      timer = setInterval(() => emit('telemetry:tick', { at: now() }), TELEMETRY_TICK_MS);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
      io = undefined;
    },
  };
}

export type ConsoleLive = ReturnType<typeof createConsoleLive>;
