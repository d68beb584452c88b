// The load of `npm run bench:soak`, on its own thread: every meter reads once per simulated
// minute (QoS 0, spread evenly), plus fire alarms (alarm, then reset) and access events at QoS 1,
// and probe meters of vacant units that consume water, so each probe raises or repeats an anomaly
// (their send times go back to the main thread for publish → anomaly latency).
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';

const { url, meterTopics, probeTopics, smokeTopics, accessTopics, perSecond, seconds, alarmEverySeconds, accessPerSecond, probePerSecond } = workerData;
const client = await mqtt.connectAsync(url, { clientId: `soak-load-${process.pid}`, clean: true });
client.stream.setNoDelay?.(true);
parentPort.postMessage({ type: 'ready' });

const started = performance.now();
let published = 0;
let meterCursor = 0;
let seq = 0;
let accessSent = 0;
let probeSent = 0;
let alarms = 0;
const probeTotals = new Map();
const timer = setInterval(() => {
  const elapsed = (performance.now() - started) / 1000;
  const end = Math.min(elapsed, seconds);
  const target = Math.floor(perSecond * end);
  const now = Date.now();
  while (published < target) {
    const topic = meterTopics[meterCursor++ % meterTopics.length];
    seq++;
    client.publish(topic, `{"ts":${now},"total":100,"seq":${seq}}`, { qos: 0 });
    published++;
  }
  while (accessSent < Math.floor(accessPerSecond * end)) {
    const topic = accessTopics[accessSent % accessTopics.length];
    client.publish(topic, `{"ts":${now},"seq":${++seq},"event":"granted","card":"C${accessSent % 500}"}`, { qos: 1 });
    accessSent++;
  }
  while (probeSent < Math.floor(probePerSecond * end)) {
    const topic = probeTopics[probeSent % probeTopics.length];
    const total = (probeTotals.get(topic) ?? 10) + 0.05;
    probeTotals.set(topic, total);
    const s = ++seq;
    client.publish(topic, `{"ts":${now},"total":${total.toFixed(3)},"seq":${s}}`, { qos: 1 });
    parentPort.postMessage({ type: 'probe', topic, sentAt: now });
    probeSent++;
  }
  while (alarms < Math.floor(end / alarmEverySeconds)) {
    const topic = smokeTopics[alarms % smokeTopics.length];
    client.publish(topic, `{"ts":${now},"seq":${++seq},"event":"alarm"}`, { qos: 1 });
    setTimeout(() => client.publish(topic, `{"ts":${Date.now()},"seq":${++seq},"event":"reset"}`, { qos: 1 }), 3000);
    alarms++;
  }
  parentPort.postMessage({ type: 'progress', published, accessSent, probeSent, alarms });
  if (elapsed >= seconds) {
    clearInterval(timer);
    setTimeout(() => {
      parentPort.postMessage({ type: 'done', published, accessSent, probeSent, alarms });
      void client.endAsync().then(() => process.exit(0));
    }, 3500);
  }
}, 20);
