import { drillScenariosDtoSchema, drillStartedSchema, drillStartSchema } from '@dutyroom/domain';
import { z } from 'zod';
import type { ConsoleRouteDeps } from './console-parts.ts';
import type { Router } from './router.ts';

/** 演练: start a drill scenario from the console (played by the drill runner, issue 7). */
export function drillRoutes(router: Router, deps: ConsoleRouteDeps): void {
  router.route(
    {
      method: 'GET',
      url: '/api/v1/drills/scenarios',
      summary: 'The scenarios the connected drill runner can play on this site (503 DRILL_RUNNER_ABSENT without one)',
      tag: 'drills',
      response: drillScenariosDtoSchema,
    },
    async ({ user }) => deps.consoleParts.drill.scenarios(user),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/drills',
      permission: 'drills:run',
      summary: 'Start a drill: the runner plays the scenario, every message native with drill: true',
      tag: 'drills',
      body: drillStartSchema,
      response: drillStartedSchema,
    },
    async ({ user, body }) => deps.consoleParts.drill.start(user, body.scenario),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/drills/:drillId',
      summary: 'A drill’s latest status: running, finished or failed, with message counts',
      tag: 'drills',
      params: z.object({ drillId: z.string().min(1).max(64) }),
      response: drillStartedSchema,
    },
    async ({ user, params }) => deps.consoleParts.drill.status(user, params.drillId),
  );
}
