import { rooms, type ServerToClientEvents } from '@dutyroom/domain';
import type { RealtimeServer } from './gateway.ts';

/** How often the consoles are told to refetch their charts (telemetry arrives every ~30 s per meter). */
const TELEMETRY_TICK_MS = 10_000;

type Emit = <E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>) => void;

/**
 * Live events of the site map, charts and handover. HTTP routes are built before socket.io is
 * attached, so they get this hub and it is attached afterwards; before that, emits go nowhere.
 *
 * Who hears what (issue 6, same rooms as work orders in broadcast.ts): the site room holds the
 * site-wide roles, a grid room the stewards covering that grid.
 *   handover:upserted  site room only (shift:read is a site-wide permission)
 *   unit:updated       site room + the unit's grid room (site:read, scoped by grid)
 *   telemetry:tick     site room + every grid room (it carries only a time: "refetch your charts")
 */
export function createConsoleLive(siteId: string, gridIds: readonly string[] = []) {
  let io: RealtimeServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  const emitTo =
    (targets: readonly string[]): Emit =>
    (event, ...args) => {
      io?.to([...targets]).emit(event, ...args);
    };
  const siteRoom = [rooms.site(siteId)];
  const everyRoom = [...siteRoom, ...gridIds.map((g) => rooms.grid(siteId, g))];
  return {
    /** To the control room (site-wide roles) only. */
    emit: emitTo(siteRoom),
    /** To the control room and the stewards of one grid: news about a unit of that grid. */
    emitForGrid: (gridId: string): Emit => emitTo([...siteRoom, rooms.grid(siteId, gridId)]),
    attach(server: RealtimeServer, now: () => number): void {
      io = server;
      const tick = emitTo(everyRoom);
      timer = setInterval(() => tick('telemetry:tick', { at: now() }), TELEMETRY_TICK_MS);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
      io = undefined;
    },
  };
}

export type ConsoleLive = ReturnType<typeof createConsoleLive>;
