import type { Server as HttpServer } from 'node:http';
import { acknowledgeRequestSchema, type ClientToServerEvents, rooms, type ServerToClientEvents, type UserDto } from '@dutyroom/domain';
import type { Logger } from '@dutyroom/platform';
import { Server } from 'socket.io';
import { parseCookies } from '../http/cookies.ts';
import { toErrorBody } from '../http/errors.ts';
import { requireSiteAccess } from '../services/access.ts';
import { type AuthService, SESSION_COOKIE } from '../services/auth.service.ts';
import type { WorkOrdersService } from '../services/work-orders.service.ts';

interface SocketData {
  user: UserDto;
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * socket.io: the handshake carries the session cookie; a socket joins its site's control-room
 * room. Events are typed by domain/events.ts and their payloads parsed again here.
 */
export function attachRealtime(
  http: HttpServer,
  deps: { auth: AuthService; workOrders: () => WorkOrdersService; siteId: string; log: Logger },
): RealtimeServer {
  const io: RealtimeServer = new Server(http, { serveClient: false, cors: { origin: false } });

  io.use((socket, next) => {
    const token = parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE];
    deps.auth.userForToken(token).then(
      (user) => {
        try {
          socket.data.user = requireSiteAccess(user, deps.siteId);
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

  io.on('connection', (socket) => {
    void socket.join(rooms.site(deps.siteId));
    socket.on('workOrder:acknowledge', (request, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = acknowledgeRequestSchema.safeParse(request);
      if (!parsed.success) {
        ack({ ok: false, code: 'VALIDATION', message: parsed.error.issues.map((i) => i.message).join('; ') });
        return;
      }
      deps
        .workOrders()
        .acknowledge(socket.data.user, parsed.data.id)
        .then(
          () => ack({ ok: true }),
          (error: unknown) => {
            const { error: body } = toErrorBody(error);
            if (body.code === 'INTERNAL') deps.log.error({ err: error }, 'acknowledge failed');
            ack({ ok: false, code: body.code, message: body.message });
          },
        );
    });
  });
  return io;
}
