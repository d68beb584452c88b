import type { Logger } from '@dutyroom/platform';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { RealtimeServer } from './gateway.ts';

export interface RedisAdapterHandle {
  close(): Promise<void>;
}

/**
 * Several server processes behind one address: socket.io's Redis adapter relays every room
 * broadcast through Redis pub/sub, so an event emitted by the process that committed a change
 * reaches consoles connected to any process (docs/scaling.md). Each change is emitted once, by the
 * process whose transaction committed it; the others only relay.
 */
export async function attachRedisAdapter(io: RealtimeServer, url: string, log: Logger): Promise<RedisAdapterHandle> {
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const sub = pub.duplicate();
  for (const [name, client] of [
    ['pub', pub],
    ['sub', sub],
  ] as const)
    client.on('error', (error: unknown) =>
      log.warn({ err: error, client: name }, 'Redis error; socket.io events may reach only this process until it reconnects'),
    );
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  log.info('socket.io Redis adapter attached');
  return {
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
