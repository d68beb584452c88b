/**
 * Local wall-clock arithmetic in a site's time zone (SPEC §1 "Time zone per site", default
 * Asia/Shanghai), the one place for it: rules that speak in local hours (night flow 02:00–04:00),
 * work-order call hours and months, device clocks that send no offset. Pure: Intl.DateTimeFormat
 * with a given instant, never the clock. Formatters are cached per zone (constructing one costs
 * far more than using it), offsets per quarter hour (below).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The local wall-clock fields of `ts` as Intl tells them (the slow path: one formatToParts). */
function formattedParts(ts: number, timeZone: string): LocalDate & { readonly hour: number; readonly minute: number; readonly second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ts)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts['year'] ?? 1970,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
}

/** How far local wall time is ahead of UTC at `ts`, straight from Intl (ms, whole seconds). */
function formattedOffset(ts: number, timeZone: string): number {
  const p = formattedParts(ts, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ts / 1000) * 1000;
}

/**
 * UTC offsets per zone and quarter hour. Night flow asks for local time on every meter reading
 * (up to 13 formatToParts each, the ingest's hottest frame): an offset is the same for a whole
 * quarter hour unless a transition falls inside it, so Intl is asked once per quarter hour and
 * zone, and the answer kept only when both ends of the quarter agree (else every instant asks Intl).
 */
const QUARTER_HOUR_MS = 15 * 60_000;
const MAX_CACHED_QUARTERS = 4096;
const offsets = new Map<string, Map<number, number | null>>();

/** How far local wall time is ahead of UTC at `ts` (ms; +8 h in Asia/Shanghai). */
export function zoneOffset(ts: number, timeZone: string): number {
  const quarter = Math.floor(ts / QUARTER_HOUR_MS);
  let byQuarter = offsets.get(timeZone);
  if (byQuarter === undefined) {
    byQuarter = new Map();
    offsets.set(timeZone, byQuarter);
  }
  let offset = byQuarter.get(quarter);
  if (offset === undefined) {
    const first = formattedOffset(quarter * QUARTER_HOUR_MS, timeZone);
    const last = formattedOffset((quarter + 1) * QUARTER_HOUR_MS - 1000, timeZone);
    offset = first === last ? first : null;
    // Bounded: readings replayed from far-apart times must not grow it without end.
    if (byQuarter.size >= MAX_CACHED_QUARTERS) byQuarter.clear();
    byQuarter.set(quarter, offset);
  }
  return offset ?? formattedOffset(ts, timeZone);
}

/** The local calendar date and hour of an instant in `timeZone`. */
export function localParts(ts: number, timeZone: string): LocalDate & { readonly hour: number; readonly minute: number; readonly second: number } {
  // The UTC fields of ts + offset are the local wall-clock fields.
  const wall = new Date(Math.floor(ts / 1000) * 1000 + zoneOffset(ts, timeZone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  };
}

/** The instant of local `hour`:00 on a local date (`day` may overflow: the 32nd is the 1st of the next month). */
export function zonedTime(date: LocalDate, hour: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour);
  const guess = wall - zoneOffset(wall, timeZone);
  // A second pass settles the offset when the guess fell on the other side of a DST change.
  return wall - zoneOffset(guess, timeZone);
}

/** The instant of a local date and time (days may overflow: day + 1 is tomorrow). */
export function localToInstant(timeZone: string, year: number, month: number, day: number, hour: number, minute: number, second = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  // A second pass settles the offset when the first guess fell on the other side of a DST change.
  return wall - zoneOffset(wall - zoneOffset(wall, timeZone), timeZone);
}

/** The start of the local day named by an ISO date ("2026-11-01") in `timeZone`. */
export function zonedDayStart(isoDate: string, timeZone: string): number {
  const [year = 1970, month = 1, day = 1] = isoDate.split('-').map(Number);
  return zonedTime({ year, month, day }, 0, timeZone);
}

const shiftDate = (date: LocalDate, days: number): LocalDate => {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
};

/**
 * The daily window [startHour, endHour) local that contains `ts`, or else the next one. A window
 * with startHour ≥ endHour crosses midnight (23 → 5 runs from 23:00 to 05:00 the next day).
 * `night` names the window by the local date it starts on.
 */
export function dailyWindow(ts: number, startHour: number, endHour: number, timeZone: string): { start: number; end: number; night: string } {
  const today = localParts(ts, timeZone);
  const crosses = startHour >= endHour ? 1 : 0;
  for (const k of [-1, 0, 1]) {
    const date = shiftDate(today, k);
    const start = zonedTime(date, startHour, timeZone);
    const end = zonedTime(shiftDate(date, crosses), endHour, timeZone);
    if (end > ts) return { start, end, night: `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}` };
  }
  /* v8 ignore next: the window of tomorrow always ends after ts */
  throw new Error('no daily window found');
}
