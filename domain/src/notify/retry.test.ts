import { describe, expect, it } from 'vitest';
import { classifyHttpStatus, nextAttemptAt } from './retry.ts';

const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);
const policy = { baseMs: 5000, maxMs: 300_000, maxAttempts: 8 };

describe(nextAttemptAt.name, () => {
  it.each([
    [1, 0, T0 + 5000],
    [2, 0, T0 + 10_000],
    [3, 0, T0 + 20_000],
    [7, 0, T0 + 300_000],
    [2, 1, T0 + 12_500],
    [2, 7, T0 + 12_500],
    [8, 0, undefined],
  ])('after %i failed tries, jitter %f → %s', (attempts, jitter, expected) => {
    expect(nextAttemptAt(T0, attempts, policy, jitter)).toBe(expected);
  });
});

describe(classifyHttpStatus.name, () => {
  it.each([
    [201, 'delivered'],
    [200, 'delivered'],
    [404, 'gone'],
    [410, 'gone'],
    [429, 'retry'],
    [503, 'retry'],
    [undefined, 'retry'],
    [400, 'rejected'],
    [413, 'rejected'],
  ] as const)('%s → %s', (status, outcome) => {
    expect(classifyHttpStatus(status)).toBe(outcome);
  });
});
