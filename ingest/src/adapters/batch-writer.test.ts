import { describe, expect, it } from 'vitest';
import { createBatchWriter } from './batch-writer.ts';

describe(createBatchWriter.name, () => {
  it('writes items added in the same turn together, and those added during a write in the next', async () => {
    const writes: number[][] = [];
    const sut = createBatchWriter<number>(
      async (items) => {
        writes.push([...items]);
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
      { maxBatch: 100, onRetry: () => {} },
    );
    const first = [sut.add(1), sut.add(2)];
    await Promise.resolve();
    const second = [sut.add(3), sut.add(4), sut.add(5)];
    await Promise.all([...first, ...second]);
    expect(writes).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(sut.pending).toBe(0);
  });

  it('splits at maxBatch', async () => {
    const writes: number[] = [];
    const sut = createBatchWriter<number>(
      async (items) => {
        writes.push(items.length);
      },
      { maxBatch: 3, onRetry: () => {} },
    );
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => sut.add(n)));
    expect(writes).toEqual([3, 3, 1]);
  });

  it('retries a failed write until it succeeds; the item resolves only then', async () => {
    let failures = 2;
    const retries: number[] = [];
    const stored: number[] = [];
    const sut = createBatchWriter<number>(
      async (items) => {
        if (failures-- > 0) throw new Error('database unreachable');
        stored.push(...items);
      },
      { maxBatch: 10, onRetry: (_e, attempt) => retries.push(attempt), sleep: async () => {} },
    );
    await sut.add(42);
    expect({ retries, stored }).toEqual({ retries: [1, 2], stored: [42] });
  });
});
