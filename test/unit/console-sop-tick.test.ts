import type { ChecklistEntry } from '@dutyroom/domain';
import { describe, expect, it } from 'vitest';
import { tickExtras } from '../../console/src/lib/work-order/sop-tick.ts';

const entry = (id: string, extra: Partial<ChecklistEntry> = {}): ChecklistEntry => ({ id, zh: id, en: id, done: false, ...extra });
const ask = (note: string | null, reached = true) => ({ note: () => note, ownerReached: () => reached });

describe('console: a checklist tick asks for its evidence (issue 23)', () => {
  it('asks for a note, the call outcome or takes the latest photo, by the item gate', () => {
    expect(tickExtras('vacant-unit-water', entry('front-desk-verify'), [], ask(null))).toEqual({});
    expect(tickExtras('vacant-unit-water', entry('phone-owner'), [], ask(null, false))).toEqual({ ownerReached: false });
    expect(tickExtras('vacant-unit-water', entry('leave-notice'), ['4', '9'], ask(null))).toEqual({ photoId: '9' });
    expect(tickExtras('vacant-unit-water', entry('close-valve', { evidence: 'valve-confirmed' }), [], ask(' 现场手动关闭 '))).toEqual({ note: '现场手动关闭' });
    expect(tickExtras('fire-alarm', entry('confirm-report'), [], ask('误报'))).toEqual({ note: '误报' });
  });

  it('a cancelled or empty note sends nothing', () => {
    expect(tickExtras('fire-alarm', entry('confirm-report'), [], ask(null))).toBeUndefined();
    expect(tickExtras('fire-alarm', entry('confirm-report'), [], ask('  '))).toBeUndefined();
  });
});
