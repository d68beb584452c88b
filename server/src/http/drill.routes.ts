import { drillStartedSchema, drillStartSchema } from '@dutyroom/domain';
import type { ConsoleRouteDeps } from './console-parts.ts';
import type { Router } from './router.ts';

/** 演练: start a drill scenario from the console. */
export function drillRoutes(router: Router, deps: ConsoleRouteDeps): void {
  router.route(
    {
      method: 'POST',
      url: '/api/v1/drills',
      summary: 'Start a drill: the scenario’s device messages are published with drill: true',
      tag: 'drills',
      body: drillStartSchema,
      response: drillStartedSchema,
    },
    async ({ user, body }) => deps.consoleParts.drill.start(user, body.scenario),
  );
}
