import { describe, expect, it } from 'vitest';
import { createBatchWriter } from './adapters/batch-writer.ts';
import { createUrgentLane } from './urgent-lane.ts';

const deferred = () => {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe(createUrgentLane.name, () => {
  it('has nothing to wait for when no urgent work is under way', () => {
    expect(createUrgentLane().settled()).toBeUndefined();
  });

  it('settles once the urgent work under way now has settled, failed or not, and not later work', async () => {
    const lane = createUrgentLane();
    const a = deferred();
    const b = deferred();
    lane.track(a.promise);
    lane.track(b.promise.then(() => Promise.reject(new Error('store failed')))).catch(() => undefined);
    const settled = lane.settled();
    expect(lane.pending).toBe(2);
    const c = deferred();
    lane.track(c.promise); // queued after the question: must not hold it
    a.resolve();
    b.resolve();
    await settled;
    expect(lane.pending).toBe(1);
    c.resolve();
    await c.promise;
    await Promise.resolve();
    expect(lane.pending).toBe(0);
  });

  it('a telemetry batch waits for the anomaly transaction queued before it starts', async () => {
    const lane = createUrgentLane();
    const order: string[] = [];
    const anomaly = deferred();
    const writer = createBatchWriter<number>(
      async (items) => {
        order.push(`telemetry ${items.join(',')}`);
      },
      { maxBatch: 100, onRetry: () => {}, yieldTo: () => lane.settled() },
    );
    lane.track(anomaly.promise.then(() => void order.push('anomaly')));
    const written = writer.add(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    anomaly.resolve();
    await written;
    expect(order).toEqual(['anomaly', 'telemetry 1']);
  });
});
