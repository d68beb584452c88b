import type { FirePoint } from '@dutyroom/domain';
import type { Simulation } from './engine.ts';

/**
 * What an ordinary day leaves pending: a fault someone resets within the hour, a device that comes
 * back after a few hours, a door that closes behind a visitor. Plain data rather than closures, so
 * a simulator that stops in between saves them (src/sim-state.ts) and the one that starts next
 * carries them out: a fire-panel fault raised before a restart is still reset after it.
 */
export type FollowUp =
  | { readonly do: 'fire-reset'; readonly deviceId: string; readonly point: FirePoint }
  | { readonly do: 'device-back'; readonly deviceId: string }
  | { readonly do: 'door-closed'; readonly deviceId: string };

/** Carries out one follow-up at simulated `ts`; a device the site no longer has is skipped. */
export function runFollowUp(sim: Simulation, followUp: FollowUp, ts: number): void {
  const device = sim.device(followUp.deviceId);
  if (device === undefined) return;
  switch (followUp.do) {
    case 'fire-reset':
      sim.observe(device, { type: 'fire', event: 'reset', zone: device.zone, point: followUp.point }, ts);
      return;
    case 'device-back':
      if (device.kind === 'gateway') sim.setGatewayOnline(device, true, ts);
      else sim.setDeviceOnline(device, true, ts);
      return;
    case 'door-closed':
      device.doorOpen = false;
      sim.observe(device, { type: 'contact', open: false }, ts);
      return;
  }
}

export const followUpLabel: Readonly<Record<FollowUp['do'], string>> = {
  'fire-reset': 'fire panel reset',
  'device-back': 'device back',
  'door-closed': 'door closed',
};
