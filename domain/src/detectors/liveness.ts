import { z } from 'zod';
import type { Severity } from '../model/anomaly.ts';
import { readingKinds } from '../model/reading.ts';
import type { DeviceContext } from '../site/site-index.ts';
import type { Detector } from './detector.ts';
import { clear, raise } from './findings.ts';

/**
 * Is the device alive? Offline when its last will says so (status online: false), or when it has
 * missed `missedHeartbeats` of its expected messages (SPEC §5: ×3 the interval; the site file's
 * `heartbeatSeconds` per device). Every reading counts as a sign of life; any reading after an
 * offline raise clears it, and the order closes with it (back online is the fix).
 */
export interface LivenessState {
  /** Newest sign of life (ts); 0: none yet. */
  seen: number;
  /** When missing heartbeats make it offline; 0: the device has no expected interval. */
  dueAt: number;
  offline: boolean;
}

export const livenessConfigSchema = z.strictObject({
  missedHeartbeats: z.number().positive().default(3),
  /** For devices without `heartbeatSeconds` in the site file; 0 = only their last will tells. */
  defaultHeartbeatSeconds: z.number().nonnegative().default(0),
});
export type LivenessConfig = z.infer<typeof livenessConfigSchema>;

/**
 * The offline deadline of a device after the ingest restarts. Only silence the ingest could hear
 * counts: the time it was down (from the later of `listeningUntil` and the device's last reading,
 * to `startedAt`) is added to the usual deadline, so a device that reported just before the
 * ingest went down gets a whole window after the start. And every device gets at least one
 * heartbeat interval after the start to be heard: a snapshot older than the device's last
 * message (a crash) never makes it overdue on the first tick.
 */
export function resumedDeadline(seen: number, heartbeatMs: number, missedHeartbeats: number, startedAt: number, listeningUntil: number): number {
  const down = Math.max(0, startedAt - Math.max(listeningUntil, seen));
  return Math.max(seen + heartbeatMs * missedHeartbeats + down, startedAt + heartbeatMs);
}

export function livenessRule(spec: { id: string; severity: Severity; watches: (device: DeviceContext) => boolean }): Detector<LivenessConfig, LivenessState> {
  const goOffline = (state: LivenessState, device: DeviceContext, evidence: Record<string, string | number>) => {
    state.offline = true;
    state.dueAt = 0;
    return [raise(spec.id, device.device.id, spec.severity, { deviceKind: device.kind, lastSeenTs: state.seen, ...evidence })];
  };
  return {
    id: spec.id,
    version: 1,
    rules: [spec.id],
    appliesTo: readingKinds,
    configSchema: livenessConfigSchema,
    stateKey: (_reading, device) => (spec.watches(device) ? device.device.id : undefined),
    initialState: () => ({ seen: 0, dueAt: 0, offline: false }),

    onReading(state, reading, { config, device }) {
      if (!spec.watches(device) || reading.ts < state.seen) return []; // late news is old news
      const heartbeatMs = (device.device.heartbeatSeconds ?? config.defaultHeartbeatSeconds) * 1000;
      if (reading.kind === 'status' && !reading.online) {
        state.seen = reading.ts;
        return state.offline ? [] : goOffline(state, device, { reason: 'last-will' });
      }
      state.seen = reading.ts;
      state.dueAt = heartbeatMs > 0 ? reading.ts + heartbeatMs * config.missedHeartbeats : 0;
      if (!state.offline) return [];
      state.offline = false;
      return [clear(spec.id, device.device.id, true)];
    },

    wakeAt: (state) => (state.dueAt !== 0 && !state.offline ? state.dueAt : undefined),

    resume(state, { config, device, startedAt, listeningUntil, lastReadingTs }) {
      if (!spec.watches(device)) return;
      // Silence is measured from the newest stored reading, which a snapshot may predate.
      if (lastReadingTs > state.seen) state.seen = lastReadingTs;
      const heartbeatMs = (device.device.heartbeatSeconds ?? config.defaultHeartbeatSeconds) * 1000;
      if (state.offline || state.seen === 0 || heartbeatMs === 0) return;
      state.dueAt = resumedDeadline(state.seen, heartbeatMs, config.missedHeartbeats, startedAt, listeningUntil);
    },
    onTick(state, { config, device, now }) {
      if (state.offline || state.dueAt === 0 || now < state.dueAt) return [];
      return goOffline(state, device, {
        reason: 'missed-heartbeats',
        heartbeatSeconds: device.device.heartbeatSeconds ?? config.defaultHeartbeatSeconds,
        silentSeconds: Math.round((now - state.seen) / 1000),
      });
    },
  };
}
