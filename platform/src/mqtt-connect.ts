import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface MqttConnection {
  readonly url: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/**
 * Connects with MQTT.js and sets TCP_NODELAY on every (re)connected socket: MQTT.js leaves
 * Nagle's algorithm on, which holds small QoS 1 packets and their PUBACKs back by up to 40 ms.
 */
export function connectMqtt(connection: MqttConnection, options: IClientOptions): MqttClient {
  const client = mqtt.connect(connection.url, {
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...(connection.username === undefined ? {} : { username: connection.username }),
    ...(connection.password === undefined ? {} : { password: connection.password }),
    ...options,
  });
  client.on('connect', () => {
    (client.stream as Partial<Socket>).setNoDelay?.(true);
  });
  return client;
}

/** Resolves once connected, or rejects with the first error (bad URL, refused, auth). */
export function waitForConnect(client: MqttClient, timeoutMs = 10_000): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`MQTT broker did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onConnect = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
    };
    client.on('connect', onConnect);
    client.on('error', onError);
  });
}
