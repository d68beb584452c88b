// The load generator of `npm run bench:ingest`, on its own thread (its own core when one is free):
// publishes native meter readings at a fixed rate and reports how many it published. Probes are
// readings of vacant units that consume 50 L each, so each raises (or repeats) an anomaly; their
// send times go back to the main thread for publish → anomaly latency. Plain JavaScript so the
// worker needs no TypeScript loader; topics come from the main thread (domain/src/topics.ts).
//
// The generator shares the machine's cores with the broker and the ingest under test, so it must
// cost little: QoS 0 messages are encoded here as MQTT PUBLISH packets (one per reading, the same
// topic and payload MQTT.js would send) into one buffer per timer tick and written to the socket
// in one call (docs/performance.md: ≈ 1 µs per message against ≈ 10 µs through `client.publish`).
// The connection itself (CONNECT, keep-alive) and every QoS 1 message go through MQTT.js, which
// owns packet ids and PUBACKs. BENCH_GENERATOR=mqttjs publishes everything through MQTT.js.
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';

const { url, background, probes, anomalyFilter } = workerData;
const port = parentPort;
const viaMqttJs = process.env['BENCH_GENERATOR'] === 'mqttjs';
const client = await mqtt.connectAsync(url, { clientId: `bench-load-${process.pid}`, clean: true });
client.stream.setNoDelay?.(true);
const totals = new Map();
let seq = 0;
let probeIndex = 0;

// BENCH_PROBE_SUBSCRIBER=worker: the anomaly events are received here, not on the ingest's thread,
// like a building management system of its own: publish → event latency without the ingest's
// event loop in the receiving path. Send times of probes whose event has not come yet, by device.
const sentAt = new Map();
if (anomalyFilter !== undefined) {
  client.on('message', (_topic, payload) => {
    const at = performance.timeOrigin + performance.now();
    if (payload.length === 0) return; // a deleted retained state
    const deviceId = JSON.parse(payload.toString())?.anomaly?.deviceId;
    const from = sentAt.get(deviceId);
    if (from === undefined) return;
    sentAt.delete(deviceId);
    port.postMessage({ type: 'latency', ms: at - from });
  });
  await client.subscribeAsync(anomalyFilter, { qos: 1 });
}

/** A QoS 0 PUBLISH packet's fixed header and topic, before the payload [MQTT-3.3.1]. */
const topicBytes = new Map();
const encodedTopic = (topic) => {
  let bytes = topicBytes.get(topic);
  if (bytes === undefined) {
    bytes = Buffer.from(topic, 'utf8');
    topicBytes.set(topic, bytes);
  }
  return bytes;
};

/** One timer tick's QoS 0 packets, written to the socket together. */
let out = Buffer.allocUnsafe(1 << 20);
let used = 0;
const appendPublish = (topic, payload) => {
  const name = encodedTopic(topic);
  const remaining = 2 + name.length + payload.length; // payload is ASCII: one byte per character
  const need = 5 + remaining;
  if (used + need > out.length) {
    const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, used + need));
    out.copy(bigger, 0, 0, used);
    out = bigger;
  }
  out[used++] = 0x30; // PUBLISH, QoS 0, no DUP, no RETAIN
  // Remaining length: variable byte integer [MQTT-2.2.3].
  let n = remaining;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out[used++] = byte;
  } while (n > 0);
  out.writeUInt16BE(name.length, used);
  used += 2;
  used += name.copy(out, used);
  used += out.latin1Write(payload, used);
};
const flushPublishes = () => {
  if (used === 0) return;
  // A copy: `out` is reused at the next tick while the socket may still hold this one.
  client.stream.write(Buffer.from(out.subarray(0, used)));
  used = 0;
};

const publishReading = (device, step, qos) => {
  const total = (totals.get(device.topic) ?? 100) + step;
  totals.set(device.topic, total);
  seq++;
  const payload = `{"ts":${Date.now()},"total":${total.toFixed(3)},"seq":${seq}}`;
  if (qos === 0 && !viaMqttJs) appendPublish(device.topic, payload);
  else client.publish(device.topic, payload, { qos });
};

port.on('message', (message) => {
  if (message.type === 'reset') {
    sentAt.clear();
    return;
  }
  if (message.type === 'stop') {
    void client.endAsync().then(() => process.exit(0));
    return;
  }
  const { rate, seconds, qos, probeRate } = message;
  const started = performance.now();
  let published = 0;
  let probesSent = 0;
  let backgroundIndex = 0;
  const timer = setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    const target = Math.min(rate * seconds, Math.floor(rate * elapsed));
    const probeTarget = Math.min(probeRate * seconds, Math.floor(probeRate * elapsed));
    while (published < target) {
      if (probesSent < probeTarget && probes.length > 0) {
        const device = probes[probeIndex++ % probes.length];
        // Taken before the packet is even encoded: the latency includes the rest of this batch.
        const at = performance.timeOrigin + performance.now();
        publishReading(device, 0.05, qos);
        if (anomalyFilter === undefined) port.postMessage({ type: 'probe', deviceId: device.id, sentAt: at });
        else sentAt.set(device.id, at);
        probesSent++;
      } else {
        publishReading(background[backgroundIndex++ % background.length], 0.001, qos);
      }
      published++;
    }
    flushPublishes();
    port.postMessage({ type: 'progress', published });
    if (elapsed >= seconds) {
      clearInterval(timer);
      port.postMessage({ type: 'done', published });
    }
  }, 5);
});
port.postMessage({ type: 'ready' });
