import type { Rejection } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';

export interface DeadLetterSink {
  put(topic: string, payload: Buffer, rejection: Rejection, receivedAt: number): Promise<void>;
}

/** Keeps every rejected message with its raw bytes, so nothing is dropped silently. */
export function createDeadLetterSink(db: Db): DeadLetterSink {
  return {
    async put(topic, payload, rejection, receivedAt) {
      await db.query('insert into dead_letters (received_at, topic, reason, detail, payload) values (to_timestamp($1 / 1000.0), $2, $3, $4, $5)', [
        receivedAt,
        topic,
        rejection.reason,
        rejection.detail.slice(0, 2000),
        payload,
      ]);
    },
  };
}
