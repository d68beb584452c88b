import { localParts, localToInstant } from '@dutyroom/domain';

/**
 * The roster editor's pure parts: the week shown, where each shift sits on it, and the add-shift
 * form's checks. Every date and time is the site's wall clock (its time zone, as the rest of the
 * console shows times), whatever zone the browser runs in.
 */

export interface ShiftLike {
  readonly id: string;
  readonly personId: string;
  readonly startsAt: number;
  readonly endsAt: number;
}

/** Local midnight `days` after the local date of `at`. */
function midnight(at: number, timeZone: string, days = 0): number {
  const p = localParts(at, timeZone);
  return localToInstant(timeZone, p.year, p.month, p.day + days, 0, 0);
}

/** Monday 00:00 (site time) of the week containing `at`, moved by `offset` weeks. */
export function weekStart(at: number, timeZone: string, offset = 0): number {
  const p = localParts(at, timeZone);
  const mondayFirst = (new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7;
  return localToInstant(timeZone, p.year, p.month, p.day - mondayFirst + offset * 7, 0, 0);
}

/** The seven midnights of the week (a day with a DST change is 23 or 25 hours). */
export function weekDays(start: number, timeZone: string): number[] {
  return Array.from({ length: 7 }, (_, i) => midnight(start, timeZone, i));
}

export const weekEnd = (start: number, timeZone: string): number => midnight(start, timeZone, 7);

/** A shift's bar on the week: left and width in percent, clipped to the week; undefined outside it. */
export function barOf(shift: ShiftLike, start: number, end: number): { left: number; width: number } | undefined {
  const from = Math.max(shift.startsAt, start);
  const to = Math.min(shift.endsAt, end);
  if (to <= from) return undefined;
  const span = end - start;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { left: round(((from - start) / span) * 100), width: round(((to - from) / span) * 100) };
}

/** Shifts that share some time with [startsAt, endsAt). */
export function overlapping<T extends ShiftLike>(shifts: readonly T[], startsAt: number, endsAt: number): T[] {
  return shifts.filter((s) => s.startsAt < endsAt && startsAt < s.endsAt);
}

/** Whether the shift holds `now`. */
export const isCurrent = (shift: ShiftLike, now: number) => shift.startsAt <= now && now < shift.endsAt;

export type ShiftFormErrors = Partial<Record<'personId' | 'from' | 'to', 'required' | 'unknownPerson' | 'invalid' | 'notAfter'>>;

/**
 * `2026-11-25T08:00` (a datetime-local value) as the instant it names in the site's zone;
 * undefined when it is no date, or a wall time that does not exist there (a DST gap).
 */
export function parseLocal(value: string, timeZone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2})?$/.exec(value);
  if (m === null) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const at = localToInstant(timeZone, year, month, day, hour, minute);
  const back = localParts(at, timeZone);
  const same = back.year === year && back.month === month && back.day === day && back.hour === hour && back.minute === minute;
  return same ? at : undefined;
}

/** An instant as datetime-local's value in the site's zone (minutes). */
export function toLocalInput(at: number, timeZone: string): string {
  const p = localParts(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** The add-shift form checked before it is sent (the server checks again); every field's problem at once. */
export function checkShiftForm(
  form: { personId: string; from: string; to: string },
  people: ReadonlySet<string>,
  timeZone: string,
): { ok: true; shift: { personId: string; startsAt: number; endsAt: number } } | { ok: false; errors: ShiftFormErrors } {
  const errors: ShiftFormErrors = {};
  if (form.personId === '') errors.personId = 'required';
  else if (!people.has(form.personId)) errors.personId = 'unknownPerson';
  const startsAt = parseLocal(form.from, timeZone);
  const endsAt = parseLocal(form.to, timeZone);
  if (form.from === '') errors.from = 'required';
  else if (startsAt === undefined) errors.from = 'invalid';
  if (form.to === '') errors.to = 'required';
  else if (endsAt === undefined) errors.to = 'invalid';
  else if (startsAt !== undefined && endsAt <= startsAt) errors.to = 'notAfter';
  if (Object.keys(errors).length > 0 || startsAt === undefined || endsAt === undefined) return { ok: false, errors };
  return { ok: true, shift: { personId: form.personId, startsAt, endsAt } };
}
