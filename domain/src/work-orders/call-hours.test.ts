import { describe, expect, it } from 'vitest';
import { isCallable, nextCallableAt } from './call-hours.ts';
import { defaultWorkOrderPolicy } from './policy-schema.ts';

const { callHours } = defaultWorkOrderPolicy();
const TZ = 'Asia/Shanghai';
/** A local Shanghai time on 2026-03-10 (UTC+8, no daylight saving). */
const sh = (hhmm: string, dayOffset = 0) => Date.parse(`2026-03-${10 + dayOffset}T${hhmm}:00+08:00`);

describe(nextCallableAt.name, () => {
  it.each([
    ['10:00', sh('10:00'), '服务细节: mid-morning is fine'],
    ['07:10', sh('08:00'), '服务细节: 清晨 waits for 08:00'],
    ['12:15', sh('13:30'), '服务细节: lunch (用餐时间) waits until 13:30'],
    ['18:00', sh('19:00'), '服务细节: dinner waits until 19:00'],
    ['21:00', sh('08:00', 1), '服务细节: 21时以后 waits for the next morning'],
    ['23:59', sh('08:00', 1), 'late night waits for the next morning'],
    ['20:59', sh('20:59'), 'just before 21:00 is still allowed'],
  ])('%s local → %s (%s)', (local, expected) => {
    expect(nextCallableAt(sh(local), callHours, TZ)).toBe(expected);
  });

  it('reads the site time zone: 10:00 in Shanghai is 03:00 in Berlin, too early there', () => {
    expect(isCallable(sh('10:00'), callHours, TZ)).toBe(true);
    expect(isCallable(sh('10:00'), callHours, 'Europe/Berlin')).toBe(false);
  });

  it('follows a site-configured quiet period', () => {
    const custom = { quiet: [{ from: '22:30', to: '07:00' }] };
    expect(isCallable(sh('21:30'), custom, TZ)).toBe(true);
    expect(nextCallableAt(sh('06:00'), custom, TZ)).toBe(sh('07:00'));
  });
});
