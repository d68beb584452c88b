import { type SiteFile, siteRevisionEventSchema, topics } from '@dutyroom/domain';
import { connectMqtt, type Logger, type Queryable, siteRevisionAt, waitForConnect } from '@dutyroom/platform';

/**
 * Follows revisions saved elsewhere (another server behind the same address, or
 * `npm run admin -- import-site`): the retained announcement names the revision, the database
 * holds it. Revisions this server saved itself are already applied and are skipped by number.
 */
export async function startSiteRevisionFollower(deps: {
  readonly mqtt: { url: string; username?: string | undefined; password?: string | undefined };
  readonly clientId: string;
  readonly siteId: string;
  readonly db: Queryable;
  readonly current: () => number;
  readonly apply: (site: SiteFile, revision: number) => Promise<void>;
  readonly log: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const topic = topics.siteRevision(deps.siteId);
  const client = connectMqtt(deps.mqtt, { clientId: deps.clientId, clean: true });
  let chain: Promise<void> = Promise.resolve();
  client.on('message', (received, payload) => {
    if (received !== topic || payload.length === 0) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = siteRevisionEventSchema.safeParse(json);
    if (!parsed.success || parsed.data.siteId !== deps.siteId) {
      deps.log.warn({ topic }, 'ignored a malformed site revision announcement');
      return;
    }
    const revision = parsed.data.revision;
    chain = chain
      .then(async () => {
        if (revision <= deps.current()) return;
        const stored = await siteRevisionAt(deps.db, deps.siteId, revision);
        if (stored === undefined) deps.log.warn({ revision }, 'announced site revision is not in the database; ignored');
        else await deps.apply(stored.site, revision);
      })
      .catch((error: unknown) => deps.log.error({ err: error, revision }, 'site revision not applied'));
  });
  client.on('connect', () => {
    client.subscribe(topic, { qos: 1 }, (error) => {
      if (error) deps.log.error({ err: error }, 'site revision subscribe failed');
    });
  });
  await waitForConnect(client);
  return {
    async stop() {
      await chain;
      await client.endAsync();
    },
  };
}
