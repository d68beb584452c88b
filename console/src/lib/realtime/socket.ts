import type { ClientToServerEvents, ServerToClientEvents } from '@dutyroom/domain';
import { io, type Socket } from 'socket.io-client';

export type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: ConsoleSocket | undefined;

/** The only io() call of the console: one connection, authenticated by the session cookie. */
export function getSocket(): ConsoleSocket {
  socket ??= io({ withCredentials: true, transports: ['websocket', 'polling'] });
  return socket;
}

export function closeSocket(): void {
  socket?.close();
  socket = undefined;
}
