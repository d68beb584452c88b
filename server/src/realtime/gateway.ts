import type { Server as HttpServer } from 'node:http';
import {
  type AckResult,
  acknowledgeRequestSchema,
  type ClientToServerEvents,
  type Role,
  rooms,
  type ServerToClientEvents,
  siteWideRoles,
  type UserDto,
} from '@dutyroom/domain';
import type { Logger } from '@dutyroom/platform';
import { Server } from 'socket.io';
import { parseCookies } from '../http/cookies.ts';
import { toErrorBody } from '../http/errors.ts';
import type { ConsoleChannel } from '../notify/console.ts';
import type { Notifier } from '../notify/notifier.ts';
import { type GridScope, requirePermission } from '../services/access.ts';
import { type AuthService, SESSION_COOKIE } from '../services/auth.service.ts';
import type { WorkOrdersService } from '../services/work-orders.service.ts';

interface SocketData {
  user: UserDto;
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeDeps {
  auth: AuthService;
  workOrders: () => WorkOrdersService;
  notifier: () => Notifier;
  scope: GridScope;
  siteId: string;
  log: Logger;
}

const isSiteWide = (user: UserDto) => siteWideRoles.has(user.role as Role);

/** The grid rooms a scoped user's socket belongs in now (own grid, grids covered on duty). */
async function gridRooms(scope: GridScope, user: UserDto, siteId: string): Promise<string[]> {
  return (await scope.scopeOf(user)).coveredGrids.map((g) => rooms.grid(siteId, g));
}

/**
 * socket.io: the handshake carries the session cookie. Fan-out is by room (STYLE §8.6 habit 8):
 * control-room roles join the site's room; stewards join their grid rooms (and those they cover
 * on duty); every account joins its own room for pushes. Payloads are parsed again here.
 */
export function attachRealtime(http: HttpServer, deps: RealtimeDeps): RealtimeServer {
  const io: RealtimeServer = new Server(http, { serveClient: false, cors: { origin: false } });

  io.use((socket, next) => {
    const token = parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE];
    deps.auth.userForToken(token).then(
      (user) => {
        try {
          socket.data.user = requirePermission(user, 'workOrders:read', deps.siteId);
          next();
        } catch (error) {
          next(new Error(toErrorBody(error).error.code));
        }
      },
      (error: unknown) => {
        deps.log.error({ err: error }, 'socket authentication failed');
        next(new Error('INTERNAL'));
      },
    );
  });

  const answer = (ack: (result: AckResult) => void, what: string) => (error: unknown) => {
    const { error: body } = toErrorBody(error);
    if (body.code === 'INTERNAL') deps.log.error({ err: error }, `${what} failed`);
    ack({ ok: false, code: body.code, message: body.message });
  };

  /** `{ id }` requests with an ack: parse, run, answer `{ok}` or `{ok:false, code}`. */
  const handleIdRequest = (request: unknown, ack: unknown, run: (id: string) => Promise<unknown>, what: string) => {
    if (typeof ack !== 'function') return;
    const reply = ack as (result: AckResult) => void;
    const parsed = acknowledgeRequestSchema.safeParse(request);
    if (!parsed.success) {
      reply({ ok: false, code: 'VALIDATION', message: parsed.error.issues.map((i) => i.message).join('; ') });
      return;
    }
    run(parsed.data.id).then(() => reply({ ok: true }), answer(reply, what));
  };

  io.on('connection', (socket) => {
    const user = socket.data.user;
    void socket.join(rooms.user(user.id));
    if (isSiteWide(user)) void socket.join(rooms.site(deps.siteId));
    else
      gridRooms(deps.scope, user, deps.siteId).then(
        (grids) => socket.join(grids),
        (error: unknown) => deps.log.error({ err: error }, 'grid rooms not joined'),
      );
    socket.on('workOrder:acknowledge', (request, ack) =>
      handleIdRequest(request, ack, (id) => deps.workOrders().acknowledge(socket.data.user, id), 'acknowledge'),
    );
    socket.on('push:acknowledge', (request, ack) =>
      handleIdRequest(request, ack, (id) => deps.notifier().acknowledge(socket.data.user, id), 'push acknowledge'),
    );
  });
  return io;
}

/** After a roster change: every scoped socket leaves and rejoins grid rooms for its coverage now. */
export async function refreshGridRooms(io: RealtimeServer, scope: GridScope, siteId: string): Promise<void> {
  for (const socket of await io.fetchSockets()) {
    const user = socket.data.user;
    if (isSiteWide(user)) continue;
    const wanted = new Set(await gridRooms(scope, user, siteId));
    for (const room of socket.rooms) if (room.startsWith('grid:') && !wanted.has(room)) socket.leave(room);
    socket.join([...wanted]);
  }
}

/** Pushes to open consoles: the per-user rooms, and the control room. */
export function createConsoleChannel(io: RealtimeServer, siteId: string): ConsoleChannel {
  return {
    async toUsers(userIds, push) {
      const targets = userIds.map(rooms.user);
      const sockets = await io.in(targets).fetchSockets();
      io.to(targets).emit('push:upserted', push);
      return sockets.length;
    },
    async toControlRoom(push) {
      const sockets = await io.in(rooms.site(siteId)).fetchSockets();
      io.to(rooms.site(siteId)).emit('push:upserted', push);
      return sockets.length;
    },
  };
}
