import { describe, expect, it } from 'vitest';
import { allowedActions, nextStatus, type WorkOrderAction, WorkOrderTransitionError } from './lifecycle.ts';
import { checklistFor } from './sop.ts';

describe('work-order lifecycle', () => {
  it('003 跟随制: walks the whole follow-through path', () => {
    const path: WorkOrderAction[] = ['dispatch', 'accept', 'arrive', 'resolve', 'feedBack', 'returnVisit', 'close'];
    let status = nextStatus('created', path[0] ?? 'dispatch');
    for (const action of path.slice(1)) status = nextStatus(status, action);
    expect(status).toBe('closed');
  });
  it('reopens when the owner is not satisfied at the return visit', () => {
    expect(nextStatus('visited', 'reopen')).toBe('reopened');
    expect(nextStatus('reopened', 'dispatch')).toBe('dispatched');
  });
  it.each<[Parameters<typeof nextStatus>[0], WorkOrderAction]>([
    ['created', 'resolve'],
    ['closed', 'reopen'],
    ['resolved', 'cancel'],
    ['false-alarm', 'dispatch'],
  ])('refuses %s → %s with a clear error', (from, action) => {
    expect(() => nextStatus(from, action)).toThrow(WorkOrderTransitionError);
    expect(() => nextStatus(from, action)).toThrow(`a work order that is ${from} cannot ${action}`);
  });
  it('lists what can be done next', () => {
    expect(allowedActions('on-site')).toEqual(['resolve', 'cancel', 'falseAlarm']);
  });
});

describe(checklistFor.name, () => {
  it('空置房: without a key the steward leaves a notice; with a valve the close is remote', () => {
    const noKey = checklistFor('vacant-unit-water', { keyHeld: false, hasValve: false }).map((i) => i.id);
    const keyAndValve = checklistFor('vacant-unit-water', { keyHeld: true, hasValve: true });
    expect(noKey).toEqual(['close-valve', 'front-desk-verify', 'phone-owner', 'leave-notice', 'patrol-log']);
    expect(keyAndValve.map((i) => i.id)).not.toContain('leave-notice');
    expect(keyAndValve[0]?.zh).toContain('远程');
  });
});

describe('work-order actions', () => {
  it('autoClose is the system’s: not offered to people, allowed only before anybody arrived', () => {
    expect(allowedActions('dispatched')).not.toContain('autoClose');
    expect(nextStatus('dispatched', 'autoClose')).toBe('closed');
    expect(() => nextStatus('on-site', 'autoClose')).toThrow(WorkOrderTransitionError);
  });
  it('says what the order can do instead', () => {
    expect(() => nextStatus('created', 'resolve')).toThrow('(it can: dispatch, cancel, falseAlarm)');
    expect(() => nextStatus('closed', 'reopen')).toThrow('(it is finished)');
  });
});
