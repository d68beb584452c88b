import type { PushDto } from '@dutyroom/domain';

/**
 * The open console as a push channel: a socket.io room per user (and the site's control-room
 * room). Implemented by server/src/realtime (which owns the io server); returns how many open
 * consoles received it, so an unopened console is recorded as not delivered.
 */
export interface ConsoleChannel {
  toUsers(userIds: readonly string[], push: PushDto): Promise<number>;
  toControlRoom(push: PushDto): Promise<number>;
}

/** For processes without sockets (tests of the dispatcher alone, the admin command). */
export const noConsole: ConsoleChannel = {
  toUsers: async () => 0,
  toControlRoom: async () => 0,
};
