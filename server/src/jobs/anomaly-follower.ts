import { anomalyEventSchema, type Config, topicFilters } from '@dutyroom/domain';
import { connectMqtt, type Db, type Logger, waitForConnect } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { workOrdersRepository } from '../repositories/work-orders.repository.ts';
import type { WorkOrdersService } from '../services/work-orders.service.ts';

export interface AnomalyFollower {
  readonly client: MqttClient;
  /** Opens orders for open anomalies that have none; returns how many it handled. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Follows the ingest's anomaly events (QoS 1, persistent session, acked after handling) and, as a
 * safety net for an event lost in a crash, sweeps the database for anomalies without an order.
 */
export async function startAnomalyFollower(deps: {
  mqtt: Config['mqtt'] & { url: string };
  clientId: string;
  siteId: string;
  db: Db;
  workOrders: WorkOrdersService;
  log: Logger;
  sweepEveryMs: number;
}): Promise<AnomalyFollower> {
  const { log, workOrders } = deps;
  const client = connectMqtt(deps.mqtt, { clientId: deps.clientId, clean: false, protocolVersion: 4 });
  client.handleMessage = (packet, done) => {
    let json: unknown;
    try {
      json = JSON.parse(packet.payload.toString());
    } catch {
      json = undefined;
    }
    const parsed = anomalyEventSchema.safeParse(json);
    if (!parsed.success) {
      // An empty retained payload clears a topic; anything else malformed is someone else's mistake.
      if (packet.payload.length > 0) log.warn({ topic: packet.topic }, 'ignored a malformed anomaly event');
      done();
      return;
    }
    workOrders.onAnomaly(parsed.data.anomaly.id, { clearClosesWorkOrder: parsed.data.anomaly.clearClosesWorkOrder ?? undefined }).then(
      () => done(),
      (error: unknown) => {
        log.error({ err: error, anomalyId: parsed.data.anomaly.id }, 'anomaly event not handled; the sweep will retry');
        done();
      },
    );
  };
  client.on('connect', () => {
    client.subscribe(topicFilters.anomalies(deps.siteId), { qos: 1 }, (error) => {
      if (error) log.error({ err: error }, 'subscribe to anomaly events failed');
    });
  });
  client.on('error', (error) => log.error({ err: error }, 'MQTT error'));
  await waitForConnect(client);

  let sweeping: Promise<number> | undefined;
  const sweep = () => {
    sweeping ??= (async () => {
      const ids = await workOrdersRepository.anomaliesWithoutOrder(deps.db, 100);
      for (const id of ids) await workOrders.onAnomaly(id);
      if (ids.length > 0) log.info({ count: ids.length }, 'sweep opened orders for anomalies that had none');
      return ids.length;
    })().finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  };
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => log.error({ err: error }, 'sweep failed'));
  }, deps.sweepEveryMs);
  timer.unref();

  return {
    client,
    sweep,
    async stop() {
      clearInterval(timer);
      await sweeping?.catch(() => 0);
      await client.endAsync();
    },
  };
}
