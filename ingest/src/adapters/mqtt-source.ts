import { connectMqtt, type Logger, waitForConnect } from '@dutyroom/platform';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Pipeline } from '../pipeline.ts';
import { orderAcks } from './ordered-acks.ts';

export interface MqttSourceOptions {
  readonly mqtt: { url: string; username?: string | undefined; password?: string | undefined };
  /** Stable per worker: the broker keeps the session (and queued QoS 1 messages) under it. */
  readonly clientId: string;
  /** Filters of every ecosystem the site uses (`subscriptionFilters(site)`). */
  readonly filters: readonly string[];
  /**
   * Subscribe as `$share/<group>/<filter>`, so several workers share the filters. Only with a broker
   * that dispatches by topic hash (EMQX `shared_subscription_strategy = hash_topic`): round-robin
   * (Mosquitto) would split one device's messages, and its detector state, over workers.
   */
  readonly shareGroup?: string | undefined;
  /** QoS 0 messages handled but not yet persisted before the source stops reading the socket. */
  readonly maxInFlight?: number;
  readonly connectOptions?: IClientOptions;
  /** Control messages for the ingest itself (occupancy edits), subscribed beside the devices' filters. */
  readonly control?: { readonly filter: string; claims(topic: string): boolean; handle(topic: string, payload: Buffer): unknown };
}

/**
 * Subscribes with QoS 1 on a persistent session. A QoS 1 message is acknowledged only after the
 * pipeline has stored it: MQTT.js sends the PUBACK when `handleMessage`'s callback runs
 * [MQTT-4.3.2-2], so a crash before that makes the broker deliver it again. `orderAcks` lets MQTT.js
 * read on meanwhile and writes the PUBACKs in arrival order once each message is stored.
 *
 * A QoS 0 message (a device that chose at-most-once) has no acknowledgement to hold: the source
 * reads on while its writes are group-committed, up to `maxInFlight` messages not yet stored,
 * then waits (back-pressure reaches the broker through TCP).
 */
export interface MqttSource {
  readonly client: MqttClient;
  /** Takes no more messages; those not yet acknowledged stay with the broker. */
  pause(): void;
}

/** The topic filters as subscribed: shared (`$share/<group>/…`) when a share group is set. */
export function subscriptionsOf(options: Pick<MqttSourceOptions, 'filters' | 'shareGroup'>): string[] {
  const group = options.shareGroup;
  return options.filters.map((filter) => (group === undefined ? filter : `$share/${group}/${filter}`));
}

export async function startMqttSource(pipeline: Pipeline, options: MqttSourceOptions, log: Logger): Promise<MqttSource> {
  const client = connectMqtt(options.mqtt, { clientId: options.clientId, clean: false, protocolVersion: 4, ...options.connectOptions });
  const maxInFlight = options.maxInFlight ?? 10_000;
  let inFlight = 0;
  let resume: (() => void) | undefined;
  let paused = false;
  const acks = orderAcks(client, log);

  client.handleMessage = (packet, done) => {
    // Paused for shutdown: never acknowledged, so the broker keeps it for the next start.
    if (paused) return;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const control = options.control;
    if (control?.claims(packet.topic)) {
      // Applied in memory at once; acknowledged in arrival order like every QoS 1 message [MQTT-4.6.0-2].
      control.handle(packet.topic, payload);
      if ((packet.qos ?? 0) > 0) acks.ackWhenStored(packet, Promise.resolve(), done);
      else done();
      return;
    }
    const handled = pipeline.onMessage(packet.topic, payload, Date.now());
    if ((packet.qos ?? 0) > 0) {
      // Reads on; the PUBACK is written once this message (and every one before it) is stored.
      acks.ackWhenStored(packet, handled, done);
      return;
    }
    inFlight++;
    handled
      .catch((error: unknown) => log.error({ err: error, topic: packet.topic }, 'QoS 0 message not stored'))
      .finally(() => {
        inFlight--;
        if (resume !== undefined && inFlight < maxInFlight / 2) {
          const go = resume;
          resume = undefined;
          go();
        }
      });
    if (inFlight < maxInFlight) done();
    else resume = () => done();
  };
  let subscribed: () => void = () => {};
  const firstSubscription = new Promise<void>((resolve) => {
    subscribed = resolve;
  });
  client.on('connect', (connack) => {
    log.info({ sessionPresent: connack.sessionPresent }, 'connected to MQTT broker');
    // Subscribe on every connect: a broker that lost the session (restart without persistence) forgets it.
    // Control messages are never shared: every worker follows every occupancy edit.
    client.subscribe([...subscriptionsOf(options), ...(options.control === undefined ? [] : [options.control.filter])], { qos: 1 }, (error) => {
      if (error) log.error({ err: error }, 'subscribe failed');
      else subscribed();
    });
  });
  client.on('error', (error) => log.error({ err: error }, 'MQTT error'));
  client.on('offline', () => log.warn('MQTT broker unreachable; reconnecting'));
  await waitForConnect(client);
  await firstSubscription;
  return {
    client,
    pause() {
      paused = true;
    },
  };
}
