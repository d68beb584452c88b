import type { Db, Logger } from '@dutyroom/platform';
import { createBatchWriter } from './batch-writer.ts';
import { storableText } from './text.ts';

export interface DeadLetter {
  readonly topic: string;
  readonly payload: Uint8Array;
  /** A rejection reason of the normalizers, or one of the pipeline's own (oversize, duplicate, impossible-value…). */
  readonly reason: string;
  readonly detail: string;
  readonly receivedAt: number;
}

export interface DeadLetterSink {
  /** Resolves once stored. */
  put(letter: DeadLetter): Promise<void>;
  drain(): Promise<void>;
}

/** Keeps every rejected message with its raw bytes, so nothing is dropped silently; batched like telemetry. */
export function createDeadLetterSink(db: Db, log?: Logger, options: { onRetry?: () => void } = {}): DeadLetterSink {
  const writer = createBatchWriter<DeadLetter>(
    async (letters) => {
      await db.query(
        `insert into dead_letters (received_at, topic, reason, detail, payload)
         select to_timestamp(r / 1000.0), t, re, de, decode(p, 'hex')
         from unnest($1::float8[], $2::text[], $3::text[], $4::text[], $5::text[]) as u(r, t, re, de, p)`,
        [
          letters.map((l) => l.receivedAt),
          letters.map((l) => storableText(l.topic, 65535)),
          letters.map((l) => l.reason),
          letters.map((l) => storableText(l.detail)),
          letters.map((l) => Buffer.from(l.payload.buffer, l.payload.byteOffset, l.payload.byteLength).toString('hex')),
        ],
      );
    },
    {
      maxBatch: 500,
      onRetry: (error, attempt, items) => {
        options.onRetry?.();
        log?.error({ err: error, attempt, items }, 'dead-letter write failed; retrying before the messages are acknowledged');
      },
    },
  );
  return { put: (letter) => writer.add(letter), drain: () => writer.drain() };
}
