/**
 * Group commit: items added while a write is in flight go together in the next write, so under
 * load one INSERT carries hundreds of rows, and at a trickle each item is written at once (no
 * timer adds latency). A failed write is retried with backoff until it succeeds: whoever awaits
 * `add` (the MQTT acknowledgement) waits with it, so nothing acknowledged is lost.
 */
export interface BatchWriter<T> {
  /** Resolves once the item is stored. */
  add(item: T): Promise<void>;
  /** Resolves once everything added so far is stored. */
  drain(): Promise<void>;
  /** Items added and not yet stored. */
  readonly pending: number;
}

export interface BatchWriterOptions {
  readonly maxBatch: number;
  readonly onRetry: (error: unknown, attempt: number, items: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Batch<T> {
  readonly items: T[];
  readonly done: Promise<void>;
  resolve(): void;
}

function newBatch<T>(): Batch<T> {
  let resolve = () => {};
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  return { items: [], done, resolve };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createBatchWriter<T>(write: (items: readonly T[]) => Promise<void>, options: BatchWriterOptions): BatchWriter<T> {
  const sleep = options.sleep ?? defaultSleep;
  const queue: Batch<T>[] = [];
  let running = false;
  let inFlight: Batch<T> | undefined;
  let pending = 0;

  const writePersistently = async (items: readonly T[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await write(items);
        return;
      } catch (error) {
        options.onRetry(error, attempt, items.length);
        await sleep(Math.min(5000, 50 * 2 ** attempt));
      }
    }
  };

  const run = async () => {
    running = true;
    try {
      for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
        inFlight = batch;
        await writePersistently(batch.items);
        pending -= batch.items.length;
        batch.resolve();
      }
    } finally {
      inFlight = undefined;
      running = false;
    }
  };

  const writer: BatchWriter<T> = {
    add(item) {
      let batch = queue.at(-1);
      if (batch === undefined || batch.items.length >= options.maxBatch) {
        batch = newBatch<T>();
        queue.push(batch);
      }
      batch.items.push(item);
      pending++;
      // Start on the next microtask so items added in the same turn share the write.
      if (!running) {
        running = true;
        queueMicrotask(() => void run());
      }
      return batch.done;
    },
    async drain() {
      const last = queue.at(-1) ?? inFlight;
      if (last !== undefined) await last.done;
    },
    get pending() {
      return pending;
    },
  };
  return writer;
}
