import { getSocket } from '../realtime/socket.ts';

/**
 * Tells charts when to refetch: the server's `telemetry:tick` (every few seconds) and every
 * reconnect. Charts read `tick` in an effect; the data itself stays in the charts that show it.
 */
class TelemetryTicks {
  tick = $state(0);
  #started = false;

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const socket = getSocket();
    socket.on('telemetry:tick', () => {
      this.tick += 1;
    });
    socket.on('connect', () => {
      this.tick += 1;
    });
  }
}

export const telemetryTicks = new TelemetryTicks();
