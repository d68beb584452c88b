import { boardSnapshotSchema, type DeadLetterDto, deadLetterDtoSchema } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import { z } from 'zod';
import { ServiceError } from '../services/errors.ts';
import type { WorkOrdersService } from '../services/work-orders.service.ts';
import type { Router } from './router.ts';

/** The control-room board snapshot and the dead letters. */
export function boardRoutes(router: Router, deps: { db: Db; workOrders: () => WorkOrdersService }): void {
  router.route(
    {
      method: 'GET',
      url: '/api/v1/board',
      summary: 'Open anomalies and open work orders of the site (then follow socket.io deltas)',
      tag: 'board',
      response: boardSnapshotSchema,
    },
    async ({ user }) => deps.workOrders().board(user),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/dead-letters',
      summary: 'The latest 200 rejected messages and counts per reason',
      tag: 'board',
      response: z.object({ items: z.array(deadLetterDtoSchema), counts: z.record(z.string(), z.number()) }),
    },
    async ({ user }) => {
      if (user === undefined) throw new ServiceError('UNAUTHENTICATED', 'log in first');
      const [items, counts] = await Promise.all([
        deps.db.query<Omit<DeadLetterDto, 'payload'> & { payload64: string }>(
          `select id::text as id, (extract(epoch from received_at) * 1000)::float8 as "receivedAt", topic, reason, detail,
           encode(payload, 'base64') as payload64 from dead_letters order by id desc limit 200`,
        ),
        deps.db.query<{ reason: string; n: number }>('select reason, count(*)::int as n from dead_letters group by reason'),
      ]);
      // Raw bytes may not be UTF-8 (that can be why they were rejected): decode leniently for display.
      const list: DeadLetterDto[] = items.rows.map(({ payload64, ...rest }) => ({ ...rest, payload: Buffer.from(payload64, 'base64').toString('utf8') }));
      return { items: list, counts: Object.fromEntries(counts.rows.map((r) => [r.reason, r.n])) };
    },
  );
}
