import { drillStatusSchema, siteConfigDtoSchema } from '@dutyroom/domain';
import { login } from '../clients.ts';

/**
 * What the bench does as a person at the console: an admin revises the site data (rule editor,
 * unit editor) and starts drills, through the server's HTTP API like the console.
 */
export interface BenchApi {
  reviseSite(unitId: string, thresholdLitres: number, occupancy: 'occupied'): Promise<number>;
  startDrill(scenario: string): Promise<{ drillId: string; unitIds: string[]; deviceIds: string[]; startedAt: number }>;
  drillFinished(drillId: string, timeoutMs: number): Promise<void>;
}

export async function benchApi(baseUrl: string): Promise<BenchApi> {
  const cookie = await login(baseUrl, 'admin');
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { cookie, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: unknown = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    async reviseSite(unitId, thresholdLitres, occupancy) {
      const current = siteConfigDtoSchema.parse(await call('GET', '/api/v1/site/config'));
      const ruled = siteConfigDtoSchema.parse(
        await call('PUT', '/api/v1/site/config/rules/vacant-unit-water', {
          expectedRevision: current.revision,
          comment: 'noise bench: threshold',
          site: { thresholdLitres, windowMinutes: 60 },
          byUnitType: { shop: { thresholdLitres: 20 } },
        }),
      );
      const units = (ruled.document['units'] ?? []) as { id: string; building: string; floor: number }[];
      const unit = units.find((u) => u.id === unitId);
      if (unit === undefined) throw new Error(`no unit ${unitId} in the site document`);
      const revised = siteConfigDtoSchema.parse(
        await call('PUT', `/api/v1/site/config/units/${unitId}`, {
          expectedRevision: ruled.revision,
          comment: 'noise bench: an owner moved in',
          unit: { building: unit.building, floor: unit.floor, occupancy },
        }),
      );
      return revised.revision;
    },
    async startDrill(scenario) {
      const status = drillStatusSchema.parse(await call('POST', '/api/v1/drills', { scenario }));
      return { drillId: status.drillId, unitIds: status.unitIds, deviceIds: status.deviceIds, startedAt: status.startedAt };
    },
    async drillFinished(drillId, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const status = drillStatusSchema.parse(await call('GET', `/api/v1/drills/${drillId}`));
        if (status.state !== 'running') return;
        await new Promise((r) => setTimeout(r, 500));
      }
    },
  };
}
