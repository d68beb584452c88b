import { anomalyEventSchema, type Config, type DispatchSettings, topicFilters } from '@dutyroom/domain';
import { connectMqtt, type Db, type Logger, waitForConnect } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { dispatchRepository } from '../repositories/dispatch.repository.ts';
import type { DispatchOutcome } from '../services/work-order-dispatch.ts';
import type { WorkOrdersService } from '../services/work-orders.service.ts';

export interface AnomalyFollower {
  readonly client: MqttClient;
  /** Opens orders for open anomalies due for one (hold passed) that have none; returns how many it handled. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Follows the ingest's anomaly events (QoS 1, persistent session, acked after handling) and sweeps
 * the database for anomalies due for an order that have none: a held anomaly whose hold has passed
 * (issue 14), or an event lost in a crash. The hold is read from the rows, so a restart loses
 * nothing; the timer set for the earliest held anomaly only makes the sweep prompt.
 */
export async function startAnomalyFollower(deps: {
  mqtt: Config['mqtt'] & { url: string };
  clientId: string;
  siteId: string;
  db: Db;
  workOrders: WorkOrdersService;
  /** The live site's per-rule dispatch settings (a site edit applies at the next sweep). */
  dispatch: () => DispatchSettings;
  now: () => number;
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
      (outcome) => {
        wakeFor(outcome);
        done();
      },
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
      let handled = 0;
      // Pages of 100 while full (a storm of held anomalies comes due together), bounded per sweep.
      for (let page = 0; page < 20; page++) {
        const ids = await dispatchRepository.dueWithoutOrder(deps.db, deps.siteId, deps.dispatch(), deps.now(), 100);
        for (const id of ids) await workOrders.onAnomaly(id);
        handled += ids.length;
        if (ids.length < 100) break;
      }
      if (handled > 0) log.info({ count: handled }, 'sweep opened orders for anomalies due for one');
      return handled;
    })().finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  };

  // One wake-up timer, for the earliest held anomaly; the rows stay the record.
  let wake: { at: number; timer: NodeJS.Timeout } | undefined;
  function wakeFor(outcome: DispatchOutcome): void {
    if (outcome.decision?.kind !== 'wait') return;
    const at = outcome.decision.dueAt;
    if (wake !== undefined && wake.at <= at) return;
    if (wake !== undefined) clearTimeout(wake.timer);
    const timer = setTimeout(
      () => {
        wake = undefined;
        sweep().catch((error: unknown) => log.error({ err: error }, 'sweep failed'));
      },
      Math.max(0, at - deps.now()) + 50,
    );
    timer.unref();
    wake = { at, timer };
  }
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => log.error({ err: error }, 'sweep failed'));
  }, deps.sweepEveryMs);
  timer.unref();

  return {
    client,
    sweep,
    async stop() {
      clearInterval(timer);
      if (wake !== undefined) clearTimeout(wake.timer);
      await sweeping?.catch(() => 0);
      await client.endAsync();
    },
  };
}
