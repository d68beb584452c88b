import { orderAcks } from '@dutyroom/ingest';
import { startEmbeddedBroker } from '@dutyroom/launcher';
import { createLogger } from '@dutyroom/platform';
import mqtt, { type MqttClient, type Packet } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { available, servers, uniqueName, waitFor } from '../harness/servers.ts';

/**
 * QoS 1 pipelining on the real broker: the ingest reads on while messages are stored, PUBACKs go
 * out in arrival order and only once stored [MQTT-4.6.0-2]; a connection lost before a message is
 * stored means the broker delivers it again.
 */
interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}
const deferred = (): Deferred => {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

/** A persistent-session subscriber whose "store" completes only when the test says so. */
async function ingestLike(url: string, clientId: string, topic: string) {
  const client = mqtt.connect(url, { clientId, clean: false, protocolVersion: 4, reconnectPeriod: 0 });
  const acks = orderAcks(client, createLogger('silent'));
  const received: { payload: string; dup: boolean; stored: Deferred }[] = [];
  const pubacks: number[] = [];
  client.on('packetsend', (packet: Packet) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined) pubacks.push(packet.messageId);
  });
  const idsByPayload = new Map<string, number>();
  client.handleMessage = (packet, done) => {
    if (packet.cmd !== 'publish') return done();
    const stored = deferred();
    const payload = packet.payload.toString();
    idsByPayload.set(payload, packet.messageId ?? 0);
    received.push({ payload, dup: packet.dup, stored });
    acks.ackWhenStored(packet, stored.promise, done);
  };
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(topic, { qos: 1 });
  const byPayload = (payload: string) => received.find((m) => m.payload === payload);
  const stored = (payload: string) => byPayload(payload)?.stored.resolve();
  const ackedPayloads = () => pubacks.map((id) => [...idsByPayload].find(([, mid]) => mid === id)?.[0]);
  return { client, acks, received, pubacks, stored, ackedPayloads };
}

const brokers = [
  { name: 'mosquitto', present: await available('mosquitto') },
  { name: 'aedes', present: true },
] as const;

for (const broker of brokers) {
  describe.skipIf(!broker.present)(`ordered QoS 1 acknowledgements on ${broker.name}`, () => {
    let url: string;
    let close: (() => Promise<void>) | undefined;
    let device: MqttClient;
    const clients: MqttClient[] = [];

    beforeAll(async () => {
      if (broker.name === 'aedes') {
        const embedded = await startEmbeddedBroker('127.0.0.1', 0);
        url = embedded.url;
        close = () => embedded.close();
      } else url = servers.mosquitto.url;
      device = await mqtt.connectAsync(url, { clientId: uniqueName('device'), clean: true });
    });
    afterAll(async () => {
      for (const c of clients) c.end(true);
      await device?.endAsync();
      await close?.();
    });
    const publish = (topic: string, payloads: readonly string[]) => Promise.all(payloads.map((p) => device.publishAsync(topic, p, { qos: 1 })));

    it('reads ahead while messages are stored, and writes each PUBACK in arrival order once it and all before it are stored', async () => {
      const topic = `t/${uniqueName('acks')}`;
      const sub = await ingestLike(url, uniqueName('ingest'), topic);
      clients.push(sub.client);
      await publish(topic, ['m1', 'm2', 'm3', 'm4', 'm5']);
      // All five are handed over although none is stored: the stream was not held by the PUBACK.
      await waitFor(() => sub.received.length === 5, 'five messages read ahead');
      expect(sub.received.map((m) => m.payload)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(sub.acks.pending).toBe(5);

      // Stored out of order: nothing may be acknowledged before m1 is.
      for (const p of ['m5', 'm3', 'm2']) sub.stored(p);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sub.pubacks).toEqual([]);
      sub.stored('m1');
      await waitFor(() => sub.pubacks.length === 3, 'PUBACKs of m1–m3');
      expect(sub.ackedPayloads()).toEqual(['m1', 'm2', 'm3']);
      sub.stored('m4');
      await waitFor(() => sub.pubacks.length === 5, 'PUBACKs of m4 and m5');
      expect(sub.ackedPayloads()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(sub.acks.pending).toBe(0);
    });

    it('a connection lost before the store completes means the broker delivers the message again; the stored one is not', async () => {
      const topic = `t/${uniqueName('redeliver')}`;
      const clientId = uniqueName('ingest');
      const first = await ingestLike(url, clientId, topic);
      clients.push(first.client);
      await publish(topic, ['a1', 'a2', 'a3']);
      await waitFor(() => first.received.length === 3, 'three messages read ahead');
      first.stored('a1');
      await waitFor(() => first.pubacks.length === 1, 'the PUBACK of a1');
      // Let the PUBACK reach the broker, then crash: a2 and a3 are not stored yet.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const closed = new Promise((resolve) => first.client.once('close', () => resolve(undefined)));
      first.client.stream.destroy();
      await closed;
      // The store completes after the crash: its PUBACK must never be written (the connection is gone).
      first.stored('a3');
      first.stored('a2');
      first.client.end(true);
      expect(first.pubacks).toHaveLength(1);

      const again = await ingestLike(url, clientId, topic);
      clients.push(again.client);
      await waitFor(() => again.received.length >= 2, 'a2 and a3 delivered again');
      expect(again.received.map((m) => m.payload)).toEqual(['a2', 'a3']);
      for (const m of again.received) m.stored.resolve();
      await waitFor(() => again.pubacks.length === 2, 'the PUBACKs of the redelivered messages');
      expect(again.ackedPayloads()).toEqual(['a2', 'a3']);
    });
  });
}
