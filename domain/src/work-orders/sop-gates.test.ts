import { describe, expect, it } from 'vitest';
import type { ChecklistEntry } from '../schemas/dto.ts';
import { checklistFor, rulesWithChecklist, type UnitFacts } from './sop.ts';
import { blockingItems, hasDeclaredGate, missingEvidence, recordTick, sopGateOf, sopStageOf, waiveBlocking } from './sop-gates.ts';

const vacant: UnitFacts = { keyHeld: false, hasValve: true };
const order = (rule: string, facts: UnitFacts = vacant) => ({ rule, checklist: checklistFor(rule, facts) as ChecklistEntry[] });
const tick = (o: { rule: string; checklist: ChecklistEntry[] }, id: string, extra: Partial<ChecklistEntry> = {}) => ({
  ...o,
  checklist: o.checklist.map((e) => (e.id === id ? { ...e, done: true, doneAt: 1, doneBy: '王管家', ...extra } : e)),
});
const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);

describe('SOP gates per rule (issue 23)', () => {
  it('every item of every rule checklist declares its gate: none falls through to an undeclared default', () => {
    for (const rule of [...rulesWithChecklist, 'some-new-rule'])
      for (const facts of [vacant, { keyHeld: true, hasValve: false }])
        for (const entry of checklistFor(rule, facts)) expect(hasDeclaredGate(entry.id), `${rule}/${entry.id}`).toBe(true);
  });

  it('every rule has a step owed before resolve and one owed before close: no checklist is all advice', () => {
    for (const rule of [...rulesWithChecklist, 'some-new-rule']) {
      const items = checklistFor(rule, vacant);
      expect(
        items.some((i) => i.requiredBefore === 'resolve'),
        rule,
      ).toBe(true);
      expect(
        items.some((i) => i.requiredBefore !== 'advisory'),
        rule,
      ).toBe(true);
    }
  });

  it('空置房水表走动: the valve first (before resolve), then front desk, owner call, notice and patrol log before close', () => {
    const gates = Object.fromEntries(checklistFor('vacant-unit-water', vacant).map((i) => [i.id, [i.requiredBefore, i.evidence]]));
    expect(gates).toEqual({
      'close-valve': ['resolve', 'valve-confirmed'],
      'front-desk-verify': ['close', 'tick'],
      'phone-owner': ['close', 'call-logged'],
      'leave-notice': ['close', 'photo'],
      'patrol-log': ['close', 'tick'],
    });
    // Without a remote valve somebody closes it by hand: the tick is the evidence.
    expect(checklistFor('vacant-unit-water', { keyHeld: true, hasValve: false })[0]).toMatchObject({
      id: 'close-valve',
      requiredBefore: 'resolve',
      evidence: 'tick',
    });
  });

  it('the vacant-unit order cannot resolve until the valve is closed, nor close until the rest is done', () => {
    const fresh = order('vacant-unit-water');
    expect(ids(blockingItems(fresh, 'resolve'))).toEqual(['close-valve']);
    expect(ids(blockingItems(fresh, 'close'))).toEqual(['close-valve', 'front-desk-verify', 'phone-owner', 'leave-notice', 'patrol-log']);
    // A remote valve ticked by hand needs a note on how it was closed; the system's command is proof enough.
    const handTicked = tick(fresh, 'close-valve');
    expect(blockingItems(handTicked, 'resolve')).toEqual([expect.objectContaining({ id: 'close-valve', missing: expect.stringContaining('valve') })]);
    expect(blockingItems(tick(fresh, 'close-valve', { note: '现场手动关闭' }), 'resolve')).toEqual([]);
    const valved = tick(fresh, 'close-valve', { proof: { kind: 'valve-command', ref: '7' } });
    expect(blockingItems(valved, 'resolve')).toEqual([]);
    let all = valved;
    for (const id of ['front-desk-verify', 'patrol-log']) all = tick(all, id);
    all = tick(all, 'phone-owner', { ownerReached: false });
    expect(ids(blockingItems(all, 'close'))).toEqual(['leave-notice']);
    expect(blockingItems(tick(all, 'leave-notice'), 'close')[0]?.missing).toBe('a photo');
    expect(blockingItems(tick(all, 'leave-notice', { photoId: '3' }), 'close')).toEqual([]);
  });

  it('an item no longer needed (the owner was reached: no notice) does not block', () => {
    const o = order('vacant-unit-water');
    const notice = { ...o, checklist: o.checklist.map((e) => (e.id === 'leave-notice' ? { ...e, notApplicable: true } : e)) };
    expect(ids(blockingItems(notice, 'close'))).not.toContain('leave-notice');
  });

  it('an exception waives exactly what blocks the step, with who, when and why; later steps still need the rest', () => {
    const waived = {
      rule: 'vacant-unit-water',
      checklist: waiveBlocking(order('vacant-unit-water'), 'resolve', { reason: '阀门锈死，已报工程部', by: '李值班', at: 5 }),
    };
    expect(waived.checklist.find((e) => e.id === 'close-valve')?.waived).toEqual({ reason: '阀门锈死，已报工程部', by: '李值班', at: 5, stage: 'resolve' });
    expect(waived.checklist.filter((e) => e.waived !== undefined)).toHaveLength(1);
    expect(blockingItems(waived, 'resolve')).toEqual([]);
    expect(ids(blockingItems(waived, 'close'))).toEqual(['front-desk-verify', 'phone-owner', 'leave-notice', 'patrol-log']);
  });

  it('the resolve note ticks 记录处理结果 for the system; the fire rules need their on-scene steps before resolve', () => {
    const fire = order('fire-alarm');
    expect(ids(blockingItems(fire, 'resolve'))).toEqual(['security-on-scene', 'confirm-report']);
    const recorded = { ...fire, checklist: recordTick(fire.checklist, '误报：厨房油烟', '张安保', 9) };
    expect(recorded.checklist.find((e) => e.id === 'record')).toMatchObject({ done: true, note: '误报：厨房油烟', proof: { kind: 'resolve-note' } });
    expect(ids(blockingItems(recorded, 'close'))).toEqual(['security-on-scene', 'confirm-report', 'escalate-manager']);
  });

  it('advice never blocks: no flames at a gas alarm, the maintenance call at an offline device, splitting incident members', () => {
    expect(sopGateOf('gas-alarm', 'no-flames').requiredBefore).toBe('advisory');
    expect(sopGateOf('device-offline', 'notify-maintenance').requiredBefore).toBe('advisory');
    expect(sopGateOf('vacant-unit-electricity', 'notify-maintenance').requiredBefore).toBe('resolve');
    expect(ids(blockingItems(order('incident'), 'close'))).not.toContain('split-real-members');
    expect(ids(blockingItems(order('device-offline'), 'close'))).toEqual(['check-power-network', 'record']);
  });

  it('orders stored before the gates existed get their rule defaults', () => {
    const legacy = { rule: 'vacant-unit-water', checklist: [{ id: 'close-valve', zh: '关闭该户水闸阀', en: 'Close the valve', done: false }] };
    expect(ids(blockingItems(legacy, 'resolve'))).toEqual(['close-valve']);
    expect(blockingItems({ rule: null, checklist: [] }, 'close')).toEqual([]);
  });

  it('what each evidence needs, and which action finishes which step', () => {
    const e: ChecklistEntry = { id: 'x', zh: 'x', en: 'x', done: true };
    expect(missingEvidence(e, 'tick')).toBeUndefined();
    expect(missingEvidence(e, 'note')).toBeDefined();
    expect(missingEvidence({ ...e, note: '  ' }, 'note')).toBeDefined();
    expect(missingEvidence({ ...e, ownerReached: true }, 'call-logged')).toBeUndefined();
    expect(missingEvidence({ ...e, note: '已留言' }, 'call-logged')).toBeUndefined();
    expect(sopStageOf('resolve')).toBe('resolve');
    expect(sopStageOf('close')).toBe('close');
    expect(sopStageOf('returnVisit', 'satisfied')).toBe('close');
    expect(sopStageOf('returnVisit', 'dissatisfied')).toBeUndefined();
    expect(sopStageOf('feedBack')).toBeUndefined();
  });
});
