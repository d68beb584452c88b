import { describe, expect, it } from 'vitest';
import type { DetectorEvent } from '../model/anomaly.ts';
import { type AnomalyAction, decideAnomalyAction, defaultHoldDownPolicy, holdDownMs, isClearDue, type OpenAnomalyFacts } from './hold-down.ts';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);
const MIN = 60_000;
const raise: DetectorEvent = { type: 'raise', rule: 'leak-wet', subject: '3-1-1202', severity: 'P2', evidence: {} };
const clear = (closesWorkOrder: boolean): DetectorEvent => ({ type: 'clear', rule: 'leak-wet', subject: '3-1-1202', closesWorkOrder });
const openQuiet: OpenAnomalyFacts = { clearDueAt: null };
const openPending: OpenAnomalyFacts = { clearDueAt: T0 + 3 * MIN };

describe(decideAnomalyAction.name, () => {
  it.each<[string, OpenAnomalyFacts | undefined, DetectorEvent, number, AnomalyAction]>([
    ['a first raise opens', undefined, raise, 5 * MIN, { kind: 'open' }],
    ['a raise while open repeats (count, last seen)', openQuiet, raise, 5 * MIN, { kind: 'repeat' }],
    ['a raise inside the hold-down is a flap: the clear is cancelled', openPending, raise, 5 * MIN, { kind: 'flap' }],
    ['a clear with nothing open changes nothing', undefined, clear(true), 5 * MIN, { kind: 'ignore' }],
    ['a clear starts the hold-down', openQuiet, clear(false), 5 * MIN, { kind: 'hold-clear', dueAt: T0 + 5 * MIN, closesWorkOrder: false }],
    ['the hold-down keeps the rule’s closesWorkOrder', openQuiet, clear(true), 5 * MIN, { kind: 'hold-clear', dueAt: T0 + 5 * MIN, closesWorkOrder: true }],
    ['without a hold-down a clear closes at once', openQuiet, clear(true), 0, { kind: 'clear', closesWorkOrder: true }],
    ['a second clear does not push the deadline back', openPending, clear(true), 5 * MIN, { kind: 'ignore' }],
  ])('%s', (_title, open, event, hold, expected) => {
    expect(decideAnomalyAction(open, event, T0, hold)).toEqual(expected);
  });

  it.each<[string, OpenAnomalyFacts, number, boolean]>([
    ['no clear pending', openQuiet, T0 + 60 * MIN, false],
    ['before the deadline', openPending, T0 + 3 * MIN - 1, false],
    ['at the deadline', openPending, T0 + 3 * MIN, true],
    ['after a restart long past the deadline', openPending, T0 + 600 * MIN, true],
  ])('a tick clears when due: %s', (_title, open, now, due) => {
    expect(isClearDue(open, now)).toBe(due);
  });

  it('walks a flapping leak sensor: wet, dry, wet, dry … then dry for good is one anomaly cleared once', () => {
    const hold = 5 * MIN;
    let open: OpenAnomalyFacts | undefined;
    const log: string[] = [];
    const steps: [number, DetectorEvent | 'tick'][] = [
      [T0, raise],
      [T0 + 1 * MIN, clear(false)],
      [T0 + 2 * MIN, raise],
      [T0 + 3 * MIN, clear(false)],
      [T0 + 4 * MIN, 'tick'],
      [T0 + 8 * MIN, 'tick'],
    ];
    for (const [now, step] of steps) {
      if (step === 'tick') {
        if (open && isClearDue(open, now)) {
          log.push('cleared');
          open = undefined;
        } else log.push('-');
        continue;
      }
      const action = decideAnomalyAction(open, step, now, hold);
      log.push(action.kind);
      if (action.kind === 'open' || action.kind === 'flap' || action.kind === 'repeat') open = { clearDueAt: null };
      if (action.kind === 'hold-clear') open = { clearDueAt: action.dueAt };
    }
    expect(log).toEqual(['open', 'hold-clear', 'flap', 'hold-clear', '-', 'cleared']);
  });
});

describe(holdDownMs.name, () => {
  it.each([
    ['leak', 5 * MIN],
    ['device-offline', 10 * MIN],
    ['fire-alarm', 0],
    ['gas-alarm', 0],
  ])('%s holds clears for %d ms by default', (rule, ms) => {
    expect(holdDownMs(defaultHoldDownPolicy, rule)).toBe(ms);
  });
});
