/**
 * The roster editor's pure parts: the week shown, where each shift sits on it, and the add-shift
 * form's checks. Times are the browser's local time, as the form's datetime-local inputs are; the
 * control room's browsers run in the site's zone.
 */

export interface ShiftLike {
  readonly id: string;
  readonly personId: string;
  readonly startsAt: number;
  readonly endsAt: number;
}

/** Monday 00:00 (local) of the week containing `at`, moved by `offset` weeks. */
export function weekStart(at: number, offset = 0): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7) + offset * 7);
  return d.getTime();
}

/** The seven midnights of the week (local; a DST day is 23 or 25 hours). */
export function weekDays(start: number): number[] {
  return Array.from({ length: 7 }, (_, i) => {
    const d = new Date(start);
    d.setDate(d.getDate() + i);
    return d.getTime();
  });
}

export function weekEnd(start: number): number {
  const d = new Date(start);
  d.setDate(d.getDate() + 7);
  return d.getTime();
}

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

/** `2026-11-25T08:00` (datetime-local) as epoch ms in local time; undefined when not a date. */
export function parseLocal(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? undefined : t;
}

/** epoch ms as datetime-local's value (local time, minutes). */
export function toLocalInput(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The add-shift form checked before it is sent (the server checks again); every field's problem at once. */
export function checkShiftForm(
  form: { personId: string; from: string; to: string },
  people: ReadonlySet<string>,
): { ok: true; shift: { personId: string; startsAt: number; endsAt: number } } | { ok: false; errors: ShiftFormErrors } {
  const errors: ShiftFormErrors = {};
  if (form.personId === '') errors.personId = 'required';
  else if (!people.has(form.personId)) errors.personId = 'unknownPerson';
  const startsAt = parseLocal(form.from);
  const endsAt = parseLocal(form.to);
  if (form.from === '') errors.from = 'required';
  else if (startsAt === undefined) errors.from = 'invalid';
  if (form.to === '') errors.to = 'required';
  else if (endsAt === undefined) errors.to = 'invalid';
  else if (startsAt !== undefined && endsAt <= startsAt) errors.to = 'notAfter';
  if (Object.keys(errors).length > 0 || startsAt === undefined || endsAt === undefined) return { ok: false, errors };
  return { ok: true, shift: { personId: form.personId, startsAt, endsAt } };
}
