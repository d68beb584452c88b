import type { AnomalyDto, ClientToServerEvents, ServerToClientEvents, WorkOrderDto } from '@dutyroom/domain';
import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';

/** A device-side publisher on the real broker. */
export async function devicePublisher(url: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: `test-device-${process.pid}-${Math.random().toString(36).slice(2)}`, clean: true });
}

/** Logs in over HTTP and returns the session cookie. */
export async function login(baseUrl: string, username = 'operator', password = 'dutyroom-demo'): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('login set no cookie');
  return cookie;
}

export type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents> & { workOrders: WorkOrderDto[]; anomalies: AnomalyDto[] };

/** A console's socket.io connection that records every event it receives. */
export async function consoleSocket(baseUrl: string, cookie: string): Promise<ConsoleSocket> {
  const socket = io(baseUrl, { extraHeaders: { cookie }, transports: ['websocket'], reconnection: false }) as ConsoleSocket;
  socket.workOrders = [];
  socket.anomalies = [];
  socket.on('workOrder:upserted', (w) => socket.workOrders.push(w));
  socket.on('anomaly:upserted', (a) => socket.anomalies.push(a));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}
