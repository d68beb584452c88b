import { localParts, localToInstant } from '../time/local-time.ts';

/**
 * Work-order calendar helpers (call hours, monthly reports) on the shared local-time module
 * (domain/src/time/local-time.ts), in the site's time zone.
 */
export { localParts, localToInstant };

export const minuteOfDay = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The local calendar month of an instant as 'YYYY-MM'. */
export function localMonth(at: number, timeZone: string): string {
  const p = localParts(at, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}

/** [start, end) instants of a local calendar month 'YYYY-MM'. */
export function monthRange(month: string, timeZone: string): { start: number; end: number } {
  const [y, m] = month.split('-').map(Number);
  const year = y ?? 1970;
  const mon = m ?? 1;
  return {
    start: localToInstant(timeZone, year, mon, 1, 0, 0),
    end: localToInstant(timeZone, mon === 12 ? year + 1 : year, mon === 12 ? 1 : mon + 1, 1, 0, 0),
  };
}
