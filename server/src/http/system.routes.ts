import type { Db } from '@dutyroom/platform';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { DemoAccount } from '../services/auth.service.ts';
import type { Router } from './router.ts';

/** Health, readiness, metrics and the site's public info. */
export function systemRoutes(
  router: Router,
  deps: {
    db: Db;
    ready: () => boolean;
    metrics: readonly Registry[];
    siteName: string;
    demo: DemoAccount | undefined;
    demoAccounts: readonly DemoAccount[];
  },
): void {
  router.route({ method: 'GET', url: '/healthz', summary: 'Liveness', tag: 'system', public: true, response: z.object({ status: z.string() }) }, async () => ({
    status: 'ok',
  }));
  router.route(
    { method: 'GET', url: '/readyz', summary: 'Readiness: database reachable and start-up done (503 until then)', tag: 'system', public: true },
    async ({ reply }) => {
      await deps.db.query('select 1');
      return deps.ready() ? { status: 'ready' } : reply.status(503).send({ status: 'starting' });
    },
  );
  router.route({ method: 'GET', url: '/metrics', summary: 'Prometheus metrics', tag: 'system', public: true, produces: ['text/plain'] }, async ({ reply }) => {
    const texts = await Promise.all(deps.metrics.map((r) => r.metrics()));
    return reply.type('text/plain; version=0.0.4').send(texts.join('\n'));
  });
  router.route(
    {
      method: 'GET',
      url: '/api/v1/info',
      summary: 'Site name and, in demo mode only, the demo login',
      tag: 'system',
      public: true,
      response: z.object({
        siteName: z.string(),
        demo: z.object({ username: z.string(), password: z.string() }).nullable(),
        demoAccounts: z.array(z.object({ username: z.string(), role: z.string().nullable() })),
      }),
    },
    // Demo mode says so on the login page, with every demo account; outside demo mode both are empty.
    async () => ({
      siteName: deps.siteName,
      demo: deps.demo ?? null,
      demoAccounts: deps.demoAccounts.map(({ username, role }) => ({ username, role: role ?? null })),
    }),
  );
}
