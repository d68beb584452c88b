import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';

export class BrokerPortInUseError extends Error {}

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  readonly aedes: Aedes;
  close(): Promise<void>;
}

/**
 * The embedded MQTT broker (Aedes) for `npm start` and tests. Sessions and queued QoS 1
 * messages live in memory: they survive a client's reconnect, not a restart of this process
 * (production uses Mosquitto or EMQX, docs/deployment.md). Port 0 picks a free port.
 */
export async function startEmbeddedBroker(host: string, port: number): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer((socket) => {
    // Small QoS 1 packets and their PUBACKs should not wait for Nagle's algorithm.
    socket.setNoDelay(true);
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new BrokerPortInUseError(
              `MQTT port ${port} on ${host} is taken (another broker?): set DUTYROOM_BROKER_PORT to a free port, or MQTT_URL to use that broker`,
            )
          : error,
      );
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  return {
    url: `mqtt://${host}:${actualPort}`,
    port: actualPort,
    aedes,
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
