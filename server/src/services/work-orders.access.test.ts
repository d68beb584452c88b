import { defaultWorkOrderPolicy, indexSite, siteFileSchema, type UserDto } from '@dutyroom/domain';
import { createLogger, type Db } from '@dutyroom/platform';
import { describe, expect, it } from 'vitest';
import { createAuditService } from './audit.service.ts';
import { createDirectory } from './directory.ts';
import { ServiceError } from './errors.ts';
import { createEscalations } from './escalations.ts';
import { createPhotosService } from './photos.service.ts';
import { createReportsService } from './reports.service.ts';
import { createReturnVisitsService } from './return-visits.service.ts';
import type { WorkOrdersContext } from './work-orders.context.ts';
import { createWorkOrdersService } from './work-orders.service.ts';

/** Deny by default (STYLE §8.6 habit 8): every method checks access before it touches anything. */
const siteFile = siteFileSchema.parse({
  site: { id: 's1', name: 'S' },
  people: [{ id: 'p', name: 'P', role: 'steward' }],
  grids: [{ id: 'g', name: 'G', steward: 'p' }],
  buildings: [{ id: 'b', name: 'B', kind: 'high-rise', floors: 1, grid: 'g' }],
  units: [],
});
const untouchable: Db = {
  kind: 'pglite',
  query: () => Promise.reject(new Error('the database was touched before the access check')),
  exec: () => Promise.reject(new Error('the database was touched before the access check')),
  transaction: () => Promise.reject(new Error('the database was touched before the access check')),
  close: () => Promise.resolve(),
};
const log = createLogger('silent');
const ctx: WorkOrdersContext = {
  db: untouchable,
  site: indexSite(siteFile),
  siteFile,
  policy: defaultWorkOrderPolicy(),
  directory: createDirectory(siteFile),
  broadcast: { anomaly: () => undefined, workOrder: () => undefined, escalation: () => undefined, returnVisit: () => undefined },
  escalations: createEscalations(log),
  now: () => 0,
  log,
  unitsWithValve: new Set(),
};
const unreadable = { read: () => Promise.reject(new Error('touched')), write: () => Promise.reject(new Error('touched')) };
const orders = createWorkOrdersService(ctx);
const visits = createReturnVisitsService(ctx);
const reports = createReportsService(ctx);
const audit = createAuditService(ctx);
const photos = createPhotosService(ctx, unreadable);

const otherSite: UserDto = { id: '1', username: 'x', displayName: 'X', role: 'operator', siteId: 'elsewhere', personId: null };
const calls: [string, (user: UserDto | undefined) => unknown][] = [
  ['board', (u) => orders.board(u)],
  ['list', (u) => orders.list(u, { state: 'all', limit: 10, offset: 0 })],
  ['detail', (u) => orders.detail(u, '1')],
  ['intake', (u) => orders.intake(u, { category: 'repair', channel: 'phone', description: 'xx', severity: 'P3', majorComplaint: false, drill: false })],
  ['transition', (u) => orders.transition(u, '1', { action: 'accept' })],
  ['acknowledge', (u) => orders.acknowledge(u, '1')],
  ['addNote', (u) => orders.addNote(u, '1', 'note')],
  ['tickChecklist', (u) => orders.tickChecklist(u, '1', 'x', { done: true })],
  ['merge', (u) => orders.merge(u, '1', ['2'])],
  ['people', (u) => orders.people(u)],
  ['policy', (u) => orders.policy(u)],
  ['returnVisits.list', (u) => visits.list(u, { limit: 10, offset: 0 })],
  ['heavyRain', (u) => visits.heavyRain(u, {})],
  ['reports.monthly', (u) => reports.monthly(u, '2026-03', 'site')],
  ['audit.list', (u) => audit.list(u, { limit: 10, offset: 0 })],
  ['photos.upload', (u) => photos.upload(u, '1', { contentType: 'image/png', bytes: Buffer.alloc(0) })],
  ['photos.read', (u) => photos.read(u, '1', '1')],
];

describe('work-order services access', () => {
  it.each(calls)('%s should require a session and this site', async (_name, call) => {
    const attempt = async (user: UserDto | undefined) => {
      try {
        await call(user);
        return 'allowed';
      } catch (error) {
        return error instanceof ServiceError ? error.code : String(error);
      }
    };
    expect(await attempt(undefined)).toBe('UNAUTHENTICATED');
    expect(await attempt(otherSite)).toBe('FORBIDDEN');
    expect(await attempt({ ...otherSite, siteId: 's1', role: 'maintenance' })).toBe('FORBIDDEN');
  });
});
