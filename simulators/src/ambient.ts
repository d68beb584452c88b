import type { Simulation } from './engine.ts';
import { HOUSEHOLD_HOURS } from './profiles.ts';
import type { SimDevice } from './sim-devices.ts';

/**
 * A community's ordinary day without a scenario: card swipes at gates and lobbies along the
 * daily rhythm (a few denied), fire panels with an occasional fault that someone resets, battery
 * devices now and then dropping off the network for a few hours, concentrators rarely. Drawn
 * one local day at a time from a random seeded by the day (the engine's #scheduleAmbient), so a
 * restarted simulator replays none of what already happened; what is left pending is a follow-up.
 */
export interface AmbientEvent {
  readonly at: number;
  readonly label: string;
  readonly run: (ts: number) => void;
}

const HOUR_MS = 3_600_000;
/** Swipes per day by where the reader is. */
const SWIPES_PER_DAY: Readonly<Record<string, number>> = { gate: 240, lobby: 120, 'car-park': 160 };
const DENIED_REASONS = ['unknown', 'unknown', 'unknown', 'expired', 'deactivated'] as const;

function hourWeighted(random: () => number): number {
  const total = HOUSEHOLD_HOURS.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let h = 0; h < 24; h++) {
    r -= HOUSEHOLD_HOURS[h] ?? 0;
    if (r <= 0) return h;
  }
  return 12;
}

export function ambientEventsOfDay(sim: Simulation, dayStart: number, random: () => number): AmbientEvent[] {
  const events: AmbientEvent[] = [];
  const areaKind = new Map(sim.site.areas.map((a) => [a.id, a.kind]));
  const contactsByArea = new Map<string, SimDevice>();
  for (const d of sim.devices) if (d.kind === 'door-contact' && d.areaId !== undefined && !d.fireDoor) contactsByArea.set(d.areaId, d);

  for (const device of sim.devices) {
    if (device.kind === 'access-reader') {
      const perDay = SWIPES_PER_DAY[areaKind.get(device.areaId ?? '') ?? ''] ?? 40;
      const door = contactsByArea.get(device.areaId ?? '');
      for (let i = 0; i < perDay; i++) {
        const at = dayStart + hourWeighted(random) * HOUR_MS + Math.floor(random() * HOUR_MS);
        const card = `C${(Math.floor(random() * 600) + 0x1000).toString(16).toUpperCase()}`;
        const denied = random() < 0.04;
        const reason = denied ? DENIED_REASONS[Math.floor(random() * DENIED_REASONS.length)] : undefined;
        events.push({
          at,
          label: denied ? 'card denied' : 'card granted',
          run: (ts) => {
            sim.observe(device, { type: 'access', event: denied ? 'denied' : 'granted', card, reason }, ts);
            if (denied || door === undefined) return;
            sim.schedule(ts + 2000, 'door opened', (t) => {
              door.doorOpen = true;
              sim.observe(door, { type: 'contact', open: true }, t);
            });
            sim.scheduleFollowUp(ts + 9000, { do: 'door-closed', deviceId: door.id });
          },
        });
      }
    }
    if (device.kind === 'fire-panel' && random() < 0.2) {
      const at = dayStart + Math.floor(random() * 24 * HOUR_MS);
      const point = { controller: 1, loop: 1 + Math.floor(random() * 3), point: 1 + Math.floor(random() * 120), deviceType: 'module' };
      events.push({
        at,
        label: 'fire panel fault',
        run: (ts) => {
          sim.observe(device, { type: 'fire', event: 'fault', zone: device.zone, point }, ts);
          sim.scheduleFollowUp(ts + (20 + Math.floor(random() * 70)) * 60_000, { do: 'fire-reset', deviceId: device.id, point });
        },
      });
    }
    const dropChance = device.kind === 'gateway' ? 0.01 : device.batteryPowered ? 0.003 : 0;
    if (random() < dropChance) {
      const at = dayStart + Math.floor(random() * 24 * HOUR_MS);
      const back = device.kind === 'gateway' ? (5 + random() * 25) * 60_000 : (2 + random() * 6) * HOUR_MS;
      events.push({
        at,
        label: 'device dropped off',
        run: (ts) => {
          if (device.kind === 'gateway') sim.setGatewayOnline(device, false, ts);
          else sim.setDeviceOnline(device, false, ts);
          sim.scheduleFollowUp(ts + back, { do: 'device-back', deviceId: device.id });
        },
      });
    }
  }
  return events;
}
