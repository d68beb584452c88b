import { type DeadLetterDto, deadLetterDtoSchema } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import { z } from 'zod';
import { requirePermission } from '../services/access.ts';
import type { Router } from './router.ts';

const querySchema = z.strictObject({
  /** Only this rejection reason (docs/protocol.md §5, docs/ingest.md §9). */
  reason: z
    .string()
    .regex(/^[a-z-]{1,40}$/, 'a rejection reason such as malformed-json')
    .optional(),
  /** Page backwards: letters with an id below this one (the `next` of the previous page). */
  before: z
    .string()
    .regex(/^\d{1,18}$/, 'a dead-letter id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/** The dead letters the ingest kept (newest first, by reason, paged) and counts per reason. */
export function deadLetterRoutes(router: Router, deps: { db: Db; siteId: string }): void {
  router.route(
    {
      method: 'GET',
      url: '/api/v1/dead-letters',
      permission: 'deadLetters:read',
      summary: 'Rejected messages with their raw payload, newest first; filter by reason, page with `before`; counts per reason',
      tag: 'board',
      query: querySchema,
      response: z.object({ items: z.array(deadLetterDtoSchema), counts: z.record(z.string(), z.number()), next: z.string().nullable() }),
    },
    async ({ user, query }) => {
      requirePermission(user, 'deadLetters:read', deps.siteId);
      const [items, counts] = await Promise.all([
        deps.db.query<Omit<DeadLetterDto, 'payload'> & { payload64: string }>(
          `select id::text as id, (extract(epoch from received_at) * 1000)::float8 as "receivedAt", topic, reason, detail,
           encode(payload, 'base64') as payload64 from dead_letters
           where ($1::text is null or reason = $1) and ($2::bigint is null or id < $2::bigint)
           order by id desc limit $3`,
          [query.reason ?? null, query.before ?? null, query.limit],
        ),
        deps.db.query<{ reason: string; n: number }>('select reason, count(*)::int as n from dead_letters group by reason'),
      ]);
      // Raw bytes may not be UTF-8 (that can be why they were rejected): decode leniently for display.
      const list: DeadLetterDto[] = items.rows.map(({ payload64, ...rest }) => ({ ...rest, payload: Buffer.from(payload64, 'base64').toString('utf8') }));
      return {
        items: list,
        counts: Object.fromEntries(counts.rows.map((r) => [r.reason, r.n])),
        next: list.length === query.limit ? (list.at(-1)?.id ?? null) : null,
      };
    },
  );
}
