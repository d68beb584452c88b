import { localParts, minuteOfDay } from './local-time.ts';
import type { CallHours } from './policy-schema.ts';

/**
 * 服务细节: 非紧急情况下,物业人员应避免用餐时间、清晨和晚上21时以后给业户打电话. Quiet periods are
 * local times; one that ends before it starts ("21:00"–"08:00") runs over midnight.
 */

function quietPeriodAt(minute: number, hours: CallHours): { endsInMinutes: number } | undefined {
  for (const { from, to } of hours.quiet) {
    const start = minuteOfDay(from);
    const end = minuteOfDay(to);
    const inside = start <= end ? minute >= start && minute < end : minute >= start || minute < end;
    if (inside) return { endsInMinutes: (end - minute + 1440) % 1440 || 1440 };
  }
  return undefined;
}

/** Whether an owner may be phoned at that instant about something that is not urgent. */
export function isCallable(at: number, hours: CallHours, timeZone: string): boolean {
  const p = localParts(at, timeZone);
  return quietPeriodAt(p.hour * 60 + p.minute, hours) === undefined;
}

/** The first instant at or after `at` when a non-urgent call is allowed (the start of that minute). */
export function nextCallableAt(at: number, hours: CallHours, timeZone: string): number {
  let t = at;
  // Quiet periods may touch each other; a few jumps cover any sensible configuration.
  for (let i = 0; i < 8; i++) {
    const p = localParts(t, timeZone);
    const quiet = quietPeriodAt(p.hour * 60 + p.minute, hours);
    if (quiet === undefined) return t;
    t = t - (t % 60_000) + quiet.endsInMinutes * 60_000;
  }
  return t;
}
