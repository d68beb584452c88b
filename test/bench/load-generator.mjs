// The load generator of `npm run bench:ingest`, on its own thread (its own core when one is free):
// publishes native meter readings at a fixed rate and reports how many it published. Probes are
// readings of vacant units that consume 50 L each, so each raises (or repeats) an anomaly; their
// send times go back to the main thread for publish → anomaly latency. Plain JavaScript so the
// worker needs no TypeScript loader; topics come from the main thread (domain/src/topics.ts).
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';

const { url, background, probes } = workerData;
const port = parentPort;
const client = await mqtt.connectAsync(url, { clientId: `bench-load-${process.pid}`, clean: true });
client.stream.setNoDelay?.(true);
const totals = new Map();
let seq = 0;
let probeIndex = 0;

const publishReading = (device, step, qos) => {
  const total = (totals.get(device.topic) ?? 100) + step;
  totals.set(device.topic, total);
  seq++;
  client.publish(device.topic, `{"ts":${Date.now()},"total":${total.toFixed(3)},"seq":${seq}}`, { qos });
};

port.on('message', (message) => {
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
        const sentAt = performance.timeOrigin + performance.now();
        publishReading(device, 0.05, qos);
        port.postMessage({ type: 'probe', deviceId: device.id, sentAt });
        probesSent++;
      } else {
        publishReading(background[backgroundIndex++ % background.length], 0.001, qos);
      }
      published++;
    }
    port.postMessage({ type: 'progress', published });
    if (elapsed >= seconds) {
      clearInterval(timer);
      port.postMessage({ type: 'done', published });
    }
  }, 5);
});
port.postMessage({ type: 'ready' });
