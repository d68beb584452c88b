import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../services/errors.ts';
import type { StewardService } from '../services/steward.service.ts';
import type { RouteContext } from './accounts-shared.ts';

/** The steward phone view's data: my grid now, and a unit owner's contact. */
export function registerStewardRoutes(app: FastifyInstance, deps: RouteContext & { steward: StewardService }): void {
  app.get('/api/v1/steward/overview', async (request) => deps.steward.overview(await deps.currentUser(request)));
  app.get<{ Params: { id: string } }>('/api/v1/units/:id/owner', async (request) => {
    if (!/^[\w.-]{1,64}$/.test(request.params.id)) throw new ServiceError('VALIDATION', 'id: a unit id');
    return deps.steward.owner(await deps.currentUser(request), request.params.id);
  });
}
