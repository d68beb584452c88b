import { type SiteRevisionEvent, siteRevisionEventSchema, topics } from '@dutyroom/domain';
import type { MqttClient } from 'mqtt';

/**
 * Tells the ingest that a new revision of the site document was saved: retained QoS 1 on
 * `dutyroom/v1/<site>/site/revision`, so an ingest that starts or reconnects later learns it too.
 * The payload names the revision only: the database row is the truth, this is its announcement.
 */
export function createSiteRevisionPublisher(deps: { siteId: string; client: () => MqttClient | undefined; now: () => number }) {
  return {
    async publish(revision: number): Promise<void> {
      const client = deps.client();
      if (client === undefined) throw new Error('site revision not announced: no MQTT connection yet');
      const event: SiteRevisionEvent = siteRevisionEventSchema.parse({ siteId: deps.siteId, revision, savedAt: deps.now() });
      await client.publishAsync(topics.siteRevision(deps.siteId), JSON.stringify(event), { qos: 1, retain: true });
    },
  };
}
