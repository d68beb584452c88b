import {
  type AreaEdit,
  type BuildingEdit,
  type DeviceEdit,
  type GridEdit,
  type PersonEdit,
  type RuleEdit,
  type SiteConfigDto,
  type SiteImport,
  type SiteImportResult,
  siteConfigDtoSchema,
  siteImportResultSchema,
  siteRevisionDiffSchema,
  siteRevisionListSchema,
  type UnitEdit,
  type UnitFactsEdit,
} from '@dutyroom/domain';
import { z } from 'zod';

/** A refused edit: its code (409 CONFLICT on a stale revision) and each field's problem by path. */
export class SiteEditError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(message);
  }
}

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() }),
});

async function call<S extends z.ZodType>(schema: S, path: string, init: RequestInit = {}): Promise<z.infer<S>> {
  // No content type without a body: Fastify refuses an empty JSON body.
  const headers: HeadersInit = init.body === undefined ? {} : { 'content-type': 'application/json' };
  const response = await fetch(path, { credentials: 'same-origin', ...init, headers });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const parsed = errorSchema.safeParse(body);
    if (!parsed.success) throw new SiteEditError('INTERNAL', `HTTP ${response.status}`, []);
    throw new SiteEditError(parsed.data.error.code, parsed.data.error.message, parsed.data.error.issues ?? []);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new SiteEditError('INTERNAL', `unexpected response from ${path}`, []);
  return parsed.data;
}

const base = '/api/v1/site/config';
const put = (body: unknown): RequestInit => ({ method: 'PUT', body: JSON.stringify(body) });
const at = (kind: string, id: string) => `${base}/${kind}/${encodeURIComponent(id)}`;
const removal = (expectedRevision: number) => `?expectedRevision=${expectedRevision}`;

/** The site document's routes (docs/api.md §Site data); every edit names the revision it was made on. */
export const siteConfigApi = {
  get: (): Promise<SiteConfigDto> => call(siteConfigDtoSchema, base),
  revisions: () => call(siteRevisionListSchema, `${base}/revisions`),
  putDevice: (id: string, edit: DeviceEdit) => call(siteConfigDtoSchema, at('devices', id), put(edit)),
  removeDevice: (id: string, expectedRevision: number) => call(siteConfigDtoSchema, at('devices', id) + removal(expectedRevision), { method: 'DELETE' }),
  putGrid: (id: string, edit: GridEdit) => call(siteConfigDtoSchema, at('grids', id), put(edit)),
  removeGrid: (id: string, expectedRevision: number) => call(siteConfigDtoSchema, at('grids', id) + removal(expectedRevision), { method: 'DELETE' }),
  putUnitFacts: (id: string, edit: UnitFactsEdit) => call(siteConfigDtoSchema, at('units', id), { method: 'PATCH', body: JSON.stringify(edit) }),
  putRule: (detectorId: string, edit: RuleEdit) => call(siteConfigDtoSchema, at('rules', detectorId), put(edit)),
  putPerson: (id: string, edit: PersonEdit) => call(siteConfigDtoSchema, at('people', id), put(edit)),
  removePerson: (id: string, expectedRevision: number) => call(siteConfigDtoSchema, at('people', id) + removal(expectedRevision), { method: 'DELETE' }),
  import: (body: SiteImport) => call(siteImportResultSchema, `${base}/import`, { method: 'POST', body: JSON.stringify(body) }),
  exportUrl: (format: 'yaml' | 'json', revision?: number) => `${base}/export?format=${format}${revision === undefined ? '' : `&revision=${revision}`}`,
  putBuilding: (id: string, edit: BuildingEdit) => call(siteConfigDtoSchema, at('buildings', id), put(edit)),
  removeBuilding: (id: string, expectedRevision: number) => call(siteConfigDtoSchema, at('buildings', id) + removal(expectedRevision), { method: 'DELETE' }),
  putUnit: (id: string, edit: UnitEdit) => call(siteConfigDtoSchema, at('units', id), put(edit)),
  removeUnit: (id: string, expectedRevision: number) => call(siteConfigDtoSchema, at('units', id) + removal(expectedRevision), { method: 'DELETE' }),
  putArea: (id: string, edit: AreaEdit) => call(siteConfigDtoSchema, at('areas', id), put(edit)),
  removeArea: (id: string, expectedRevision: number) => call(siteConfigDtoSchema, at('areas', id) + removal(expectedRevision), { method: 'DELETE' }),
  revisionDiff: (revision: number, against: 'previous' | 'current') => call(siteRevisionDiffSchema, `${base}/revisions/${revision}/diff?against=${against}`),
  restore: (revision: number, expectedRevision: number) =>
    call(siteConfigDtoSchema, `${base}/revisions/${revision}/restore`, { method: 'POST', body: JSON.stringify({ expectedRevision }) }),
};

export type { SiteImportResult };
