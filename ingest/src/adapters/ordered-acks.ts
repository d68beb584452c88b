import type { Logger } from '@dutyroom/platform';
import type { MqttClient, Packet } from 'mqtt';

/**
 * QoS 1 pipelining with acknowledge-after-persist kept.
 *
 * MQTT.js sends a message's PUBACK from `handleMessage`'s callback, and reads the next packet only
 * once that PUBACK is written: with the PUBACK held until the message is stored, a connection
 * handles one QoS 1 message per commit (≈ 80–220 messages/s, docs/performance.md). Here the
 * stream is released at once, so the next messages are decoded and join the same group commit,
 * while the PUBACK packets themselves wait: each is written only when its message is stored, and
 * in the order the messages arrived [MQTT-4.6.0-2]. A connection that closes first takes its
 * unwritten PUBACKs with it, so the broker delivers those messages again (redelivery is
 * de-duplicated by idempotency key, docs/ingest.md).
 *
 * How far the ingest reads ahead is bounded by the broker's in-flight window (Mosquitto
 * `max_inflight_messages`, MQTT 5 Receive Maximum) and by `maxPending` here.
 */
export interface OrderedAcks {
  /**
   * Called from `handleMessage` for a QoS 1 message instead of waiting on `stored`: releases the
   * stream (`done`) now, or when fewer than `maxPending` acknowledgements wait.
   */
  ackWhenStored(packet: { messageId?: number | undefined; topic: string }, stored: Promise<void>, done: (error?: Error) => void): void;
  /** PUBACKs held back, waiting for their message (or one received before it) to be stored. */
  readonly pending: number;
}

interface Held {
  readonly messageId: number;
  stored: boolean;
  /** The PUBACK MQTT.js asked to send, and its write callback; set once `done` has run. */
  puback?: { packet: Packet; cb: ((error?: Error) => void) | undefined };
}

type SendPacket = (packet: Packet, cb?: (error?: Error) => void, ...rest: unknown[]) => void;

/** The client's private packet writer; MQTT.js 5 routes every PUBACK through it (handlers/publish.js). */
interface WithSendPacket {
  _sendPacket: SendPacket;
}

export function orderAcks(client: MqttClient, log: Logger, options: { maxPending?: number } = {}): OrderedAcks {
  const maxPending = options.maxPending ?? 1_000;
  const internals = client as unknown as WithSendPacket;
  const send = internals._sendPacket.bind(client) as SendPacket;
  let queue: Held[] = [];
  let head = 0;
  let waiting: (() => void) | undefined;
  /** Counts connections: a message stored after its connection closed has no PUBACK to write. */
  let connection = 0;

  const size = () => queue.length - head;

  const releaseReader = () => {
    if (waiting !== undefined && size() < maxPending / 2) {
      const go = waiting;
      waiting = undefined;
      go();
    }
  };

  /** Writes the PUBACKs at the head whose messages are stored: never one ahead of an earlier message. */
  const flush = () => {
    while (head < queue.length) {
      const first = queue[head] as Held;
      if (!first.stored || first.puback === undefined) break;
      head++;
      send(first.puback.packet, first.puback.cb);
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    releaseReader();
  };

  internals._sendPacket = (packet, cb, ...rest) => {
    if (packet.cmd === 'puback') {
      const held = queue.at(-1);
      if (held !== undefined && held.messageId === packet.messageId && held.puback === undefined && head < queue.length) {
        held.puback = { packet, cb: undefined };
        // The stream callback: MQTT.js reads the next packet now; the PUBACK waits in the queue.
        cb?.();
        flush();
        return;
      }
    }
    send(packet, cb, ...rest);
  };

  // A closed connection's PUBACKs must not be written on the next one: the broker redelivers those
  // messages instead (a persistent session keeps them).
  client.on('close', () => {
    if (size() > 0) log.warn({ unacknowledged: size() }, 'connection closed with QoS 1 messages unacknowledged; the broker delivers them again');
    queue = [];
    head = 0;
    connection++;
    // The held stream callback belongs to the closed connection's stream: never called, so no
    // PUBACK of the old connection is queued for the new one.
    waiting = undefined;
  });

  return {
    ackWhenStored(packet, stored, done) {
      const held: Held = { messageId: packet.messageId ?? 0, stored: false };
      const generation = connection;
      queue.push(held);
      stored.then(
        () => {
          held.stored = true;
          if (generation === connection) flush();
        },
        (error: unknown) => {
          // Not stored: no PUBACK for it nor for any message after it. Closing the connection makes
          // the broker deliver them all again, in order.
          log.error({ err: error, topic: packet.topic }, 'message not handled; it stays unacknowledged and the connection is reset');
          if (generation === connection) client.stream.destroy();
        },
      );
      if (size() < maxPending) done();
      else waiting = () => done();
    },
    get pending() {
      return size();
    },
  };
}
