/**
 * Which clock to trust: the device's, unless it is absurd. A device more than 5 minutes ahead of
 * the broker, or older than 7 days (beyond what a concentrator buffers), has a wrong clock; the
 * broker receive time is used then. Both times are always kept on the reading.
 */
export const MAX_DEVICE_CLOCK_AHEAD_MS = 5 * 60_000;
export const MAX_DEVICE_CLOCK_BEHIND_MS = 7 * 24 * 3_600_000;

export function trustedTimestamp(deviceTs: number, receivedAt: number): number {
  if (deviceTs > receivedAt + MAX_DEVICE_CLOCK_AHEAD_MS) return receivedAt;
  if (deviceTs < receivedAt - MAX_DEVICE_CLOCK_BEHIND_MS) return receivedAt;
  return deviceTs;
}
