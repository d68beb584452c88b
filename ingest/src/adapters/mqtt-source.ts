import { type Config, topicFilters } from '@dutyroom/domain';
import { connectMqtt, type Logger, waitForConnect } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import type { Pipeline } from '../pipeline.ts';

export interface MqttSourceOptions {
  readonly mqtt: Config['mqtt'] & { url: string };
  /** Stable per worker: the broker keeps the session (and queued QoS 1 messages) under it. */
  readonly clientId: string;
  readonly siteId: string;
}

/**
 * Subscribes with QoS 1 on a persistent session and acknowledges each message only after the
 * pipeline has stored it: MQTT.js sends the PUBACK when `handleMessage`'s callback runs
 * [MQTT-4.3.2-2], so a crash before that makes the broker deliver the message again.
 */
export async function startMqttSource(pipeline: Pipeline, options: MqttSourceOptions, log: Logger): Promise<MqttClient> {
  const client = connectMqtt(options.mqtt, { clientId: options.clientId, clean: false, protocolVersion: 4 });
  client.handleMessage = (packet, done) => {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    pipeline.onMessage(packet.topic, payload, Date.now()).then(
      () => done(),
      (error: unknown) => {
        log.error({ err: error, topic: packet.topic }, 'message not handled; it stays unacknowledged');
        done(error as Error);
      },
    );
  };
  client.on('connect', (connack) => {
    log.info({ sessionPresent: connack.sessionPresent }, 'connected to MQTT broker');
    // Subscribe on every connect: a broker that lost the session (restart without persistence) forgets it.
    client.subscribe(topicFilters.deviceMessages(options.siteId), { qos: 1 }, (error) => {
      if (error) log.error({ err: error }, 'subscribe failed');
    });
  });
  client.on('error', (error) => log.error({ err: error }, 'MQTT error'));
  client.on('offline', () => log.warn('MQTT broker unreachable; reconnecting'));
  await waitForConnect(client);
  return client;
}
