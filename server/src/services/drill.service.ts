import { randomUUID } from 'node:crypto';
import {
  type DrillCatalog,
  type DrillScenariosDto,
  type DrillStarted,
  type DrillStatus,
  drillCatalogSchema,
  drillStatusSchema,
  type SiteFile,
  topicFilters,
  topics,
  type UserDto,
} from '@dutyroom/domain';
import { connectMqtt, type MqttConnection, type Queryable } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import { requirePermission } from './access.ts';
import { ServiceError } from './errors.ts';

/** A catalog retained on the broker arrives just after subscribing; a request that early waits for it. */
const CATALOG_GRACE_MS = 2000;
/** The runner answers a request with a `running` (or `failed`) status at once. */
const ACK_TIMEOUT_MS = 5000;
const KEPT_STATUSES = 200;

export const DRILL_RUNNER_ABSENT_MESSAGE = 'no drill runner is connected: start `npm run sim -- drill-runner`';

export interface DrillDeps {
  readonly db: Queryable;
  readonly site: SiteFile;
  readonly mqtt: MqttConnection;
  readonly clientId: string;
  readonly now: () => number;
}

/**
 * Drill mode (演练, SPEC §8, issue 7): the console's drills are the simulators' YAML scenarios,
 * played by a drill runner (`npm run sim -- drill-runner`, started by `npm start` in demo mode).
 * This service follows the runner's retained catalog and the drills' statuses, and publishes a
 * request (QoS 1) for a scenario of the catalog. The runner publishes every message native with
 * `drill: true`, so what the drill causes is labelled 演练 and pages no one outside the site.
 */
export function createDrillService(deps: DrillDeps) {
  const siteId = deps.site.site.id;
  let catalog: DrillCatalog | undefined;
  const statuses = new Map<string, DrillStatus>();
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const until = <T>(value: () => T | undefined, timeoutMs: number): Promise<T | undefined> => {
    const now = value();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = (result: T | undefined) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(result);
      };
      const check = () => {
        const v = value();
        if (v !== undefined) done(v);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      waiters.add(check);
    });
  };

  const client = connectMqtt(deps.mqtt, { clientId: deps.clientId, clean: true });
  client.on('connect', () => {
    void client.subscribeAsync([topics.drillCatalog(siteId), topicFilters.drillStatuses(siteId)], { qos: 1 }).catch(() => undefined);
  });
  client.on('message', (topic, payload) => {
    if (topic === topics.drillCatalog(siteId)) {
      // An empty retained payload: the runner stopped or its last will fired.
      catalog = payload.length === 0 ? undefined : parseJson(payload, drillCatalogSchema.safeParse);
    } else {
      const status = parseJson(payload, drillStatusSchema.safeParse);
      if (status === undefined) return;
      statuses.delete(status.drillId);
      statuses.set(status.drillId, status);
      if (statuses.size > KEPT_STATUSES) statuses.delete(statuses.keys().next().value ?? '');
    }
    wake();
  });

  const currentCatalog = async (): Promise<DrillCatalog> => {
    const found = await until(() => catalog, CATALOG_GRACE_MS);
    if (found === undefined) throw new ServiceError('DRILL_RUNNER_ABSENT', DRILL_RUNNER_ABSENT_MESSAGE);
    return found;
  };
  // drills:run: operator (the trainer), supervisor, manager, admin (domain/src/access/roles.ts).
  const authorise = (user: UserDto | undefined) => requirePermission(user, 'drills:run', siteId);

  return {
    async scenarios(user: UserDto | undefined): Promise<DrillScenariosDto> {
      authorise(user);
      return { scenarios: (await currentCatalog()).scenarios };
    },

    async start(user: UserDto | undefined, scenario: string): Promise<DrillStarted> {
      const actor = authorise(user);
      const entry = (await currentCatalog()).scenarios.find((s) => s.name === scenario);
      if (entry === undefined)
        throw new ServiceError(
          'VALIDATION',
          `no drill scenario "${scenario}" on this site; the runner offers: ${(catalog?.scenarios ?? []).map((s) => s.name).join(', ')}`,
        );
      const drillId = `${deps.now().toString(36)}-${randomUUID().slice(0, 8)}`;
      await audit(deps.db, {
        actor: actor.displayName,
        action: 'drill.start',
        subjectType: 'drill',
        subjectId: drillId,
        detail: { siteId, scenario },
      });
      const request = { drillId, scenario, requestedBy: actor.displayName, requestedAt: deps.now() };
      try {
        await client.publishAsync(topics.drillRequest(siteId, drillId), JSON.stringify(request), { qos: 1 });
      } catch (error) {
        throw new ServiceError('DRILL_RUNNER_ABSENT', `the drill request could not be published: ${(error as Error).message}`);
      }
      const status = await until(() => statuses.get(drillId), ACK_TIMEOUT_MS);
      if (status === undefined) throw new ServiceError('DRILL_RUNNER_ABSENT', `the drill runner did not answer within ${ACK_TIMEOUT_MS / 1000} s`);
      if (status.state === 'failed') throw new ServiceError('VALIDATION', `the drill failed: ${status.error ?? 'unknown reason'}`);
      return { ...status, title: entry.title };
    },

    /** The latest status of a drill this server has seen. */
    status(user: UserDto | undefined, drillId: string): DrillStarted {
      authorise(user);
      const status = statuses.get(drillId);
      if (status === undefined) throw new ServiceError('NOT_FOUND', `no drill "${drillId}"`);
      const title = catalog?.scenarios.find((s) => s.name === status.scenario)?.title ?? status.scenario;
      return { ...status, title };
    },

    async stop(): Promise<void> {
      await client.endAsync();
    },
  };
}

function parseJson<T>(payload: Buffer, parse: (value: unknown) => { success: true; data: T } | { success: false }): T | undefined {
  try {
    const result = parse(JSON.parse(payload.toString('utf8')));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export type DrillService = ReturnType<typeof createDrillService>;
