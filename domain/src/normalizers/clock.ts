import { type Rejection, reject } from '../model/rejection.ts';
import { localToInstant } from '../time/local-time.ts';

/**
 * Which clock to trust (docs/protocol.md §Time). The broker receive time is always recorded.
 *
 * | device setting `clock` | device time within [receivedAt − 7 d, receivedAt + 5 min] | outside |
 * | ---------------------- | -------------------------------------------------------- | ------- |
 * | unset (default)        | device time                                              | broker time (the clock is wrong) |
 * | `broker`               | broker time                                              | broker time |
 * | `device`               | device time                                              | rejected: `timestamp-future` / `timestamp-past` |
 *
 * 5 minutes ahead covers NTP drift and broker queueing; 7 days behind is what a concentrator or a
 * LoRaWAN network buffers. A device whose integrator says its clock is authoritative (`device`)
 * cannot be placed in time when it is absurd, so the message is dead-lettered instead of guessed.
 */
export const MAX_DEVICE_CLOCK_AHEAD_MS = 5 * 60_000;
export const MAX_DEVICE_CLOCK_BEHIND_MS = 7 * 24 * 3_600_000;

export function trustedTimestamp(deviceTs: number, receivedAt: number): number {
  if (deviceTs > receivedAt + MAX_DEVICE_CLOCK_AHEAD_MS) return receivedAt;
  if (deviceTs < receivedAt - MAX_DEVICE_CLOCK_BEHIND_MS) return receivedAt;
  return deviceTs;
}

export type ClockSetting = 'device' | 'broker' | undefined;

export type ResolvedTime = { readonly ok: true; readonly ts: number; readonly deviceTs: number } | { readonly ok: false; readonly rejection: Rejection };

/** The reading's `ts` and `deviceTs` from the device's time (undefined when it sent none). */
export function resolveTimestamp(deviceTs: number | undefined, receivedAt: number, clock: ClockSetting): ResolvedTime {
  if (deviceTs === undefined || !Number.isFinite(deviceTs)) return { ok: true, ts: receivedAt, deviceTs: receivedAt };
  if (clock === 'broker') return { ok: true, ts: receivedAt, deviceTs };
  if (clock === 'device') {
    const iso = (t: number) => (Number.isFinite(new Date(t).getTime()) ? new Date(t).toISOString() : String(t));
    if (deviceTs > receivedAt + MAX_DEVICE_CLOCK_AHEAD_MS)
      return reject('timestamp-future', `device time ${iso(deviceTs)} is more than 5 min ahead of the broker's ${iso(receivedAt)}`);
    if (deviceTs < receivedAt - MAX_DEVICE_CLOCK_BEHIND_MS)
      return reject('timestamp-past', `device time ${iso(deviceTs)} is more than 7 days behind the broker's ${iso(receivedAt)}`);
  }
  return { ok: true, ts: trustedTimestamp(deviceTs, receivedAt), deviceTs };
}

/**
 * Local wall-clock time in a zone → epoch ms, for devices that send time without an offset
 * (Tasmota `Time`, a CJ/T 188 meter's clock). Undefined when the fields are no date.
 */
export function localTimeToEpoch(year: number, month: number, day: number, hour: number, minute: number, second: number, timezone: string): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  if (!Number.isFinite(guess) || new Date(guess).getUTCDate() !== day) return undefined;
  try {
    return localToInstant(timezone, year, month, day, hour, minute, second);
  } catch {
    return undefined;
  }
}

/** `YYYY-MM-DDTHH:mm:ss` without an offset (Tasmota) → epoch ms in the site's zone. */
export function parseLocalIso(text: string, timezone: string): number | undefined {
  if (text.length < 19 || text[4] !== '-' || text[10] !== 'T') return undefined;
  const n = (from: number, to: number) => Number(text.slice(from, to));
  const fields = [n(0, 4), n(5, 7), n(8, 10), n(11, 13), n(14, 16), n(17, 19)] as const;
  if (fields.some((f) => !Number.isInteger(f))) return undefined;
  return localTimeToEpoch(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], timezone);
}
