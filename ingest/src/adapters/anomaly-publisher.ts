import { type AnomalyEvent, topics } from '@dutyroom/domain';
import type { Logger } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import type { AnomalyChange } from './anomaly-store.pg.ts';

/**
 * Publishes each committed anomaly change, retained so a late subscriber (the server after a
 * restart, a building management system) sees every anomaly's current state. Not awaited: the
 * PUBACK arrives on the same connection whose incoming messages are being handled, and MQTT.js
 * keeps the packet in its outgoing store until acknowledged. The server also sweeps the
 * database for anomalies without a work order, so a publish lost in a crash costs seconds.
 */
export function createAnomalyPublisher(client: MqttClient, log: Logger): (change: AnomalyChange) => void {
  return ({ change, anomaly }) => {
    const event: AnomalyEvent = { change, anomaly };
    client.publish(topics.anomaly(anomaly.siteId, anomaly.id), JSON.stringify(event), { qos: 1, retain: true }, (error) => {
      if (error) log.error({ err: error, anomalyId: anomaly.id }, 'anomaly event not published');
    });
  };
}
