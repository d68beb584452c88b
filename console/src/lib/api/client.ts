import {
  anomalyDtoSchema,
  boardSnapshotSchema,
  consumptionSeriesSchema,
  deadLetterDtoSchema,
  drillScenariosDtoSchema,
  drillStartedSchema,
  type ErrorCode,
  handoverNoteSchema,
  type IntakeRequest,
  nightFlowDtoSchema,
  type OccupancyUpdate,
  personDtoSchema,
  photoDtoSchema,
  shiftKpisSchema,
  siteMapDtoSchema,
  siteSetupDtoSchema,
  type TelemetryBucket,
  type TransitionRequest,
  unitConsumptionDtoSchema,
  unitDetailDtoSchema,
  userDtoSchema,
  valveCommandDtoSchema,
  workOrderDetailSchema,
  workOrderDtoSchema,
} from '@dutyroom/domain';
import { z } from 'zod';
import type { TickExtras } from '../work-order/sop-tick.ts';

export type PersonDto = z.infer<typeof personDtoSchema>;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'TIMEOUT',
    message: string,
  ) {
    super(message);
  }
}

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Fetches JSON from our API and parses it with the domain schema; errors become ApiError. */
export async function request<S extends z.ZodType>(schema: S, path: string, init: RequestInit = {}): Promise<z.infer<S>> {
  // No JSON content type without a body: Fastify refuses an empty body declared as JSON (a DELETE).
  const json = init.body === undefined ? {} : { 'content-type': 'application/json' };
  const response = await fetch(path, { credentials: 'same-origin', ...init, headers: { ...json, ...init.headers } });
  const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const parsed = errorBodySchema.safeParse(body);
    throw new ApiError(
      parsed.success ? (parsed.data.error.code as ErrorCode) : 'INTERNAL',
      parsed.success ? parsed.data.error.message : `HTTP ${response.status}`,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError('INTERNAL', `unexpected response from ${path}`);
  return parsed.data;
}

const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });
const woPath = (id: string) => `/api/v1/work-orders/${encodeURIComponent(id)}`;
const oneOrder = z.object({ workOrder: workOrderDtoSchema });
const unitPath = (unitId: string) => `/api/v1/site/units/${encodeURIComponent(unitId)}`;

export const api = {
  info: () => request(z.object({ siteName: z.string(), demo: z.object({ username: z.string(), password: z.string() }).nullable() }), '/api/v1/info'),
  login: (username: string, password: string) => request(z.object({ user: userDtoSchema }), '/api/v1/session', post({ username, password })),
  logout: () => request(z.null(), '/api/v1/session', { method: 'DELETE' }),
  me: () => request(z.object({ user: userDtoSchema }), '/api/v1/me'),
  changePassword: (currentPassword: string, newPassword: string) => request(z.null(), '/api/v1/me/password', post({ currentPassword, newPassword })),
  board: () => request(boardSnapshotSchema, '/api/v1/board'),
  incidentMembers: (id: string) =>
    request(z.object({ items: z.array(anomalyDtoSchema), total: z.number() }), `/api/v1/anomalies/${encodeURIComponent(id)}/members`),
  splitMember: (id: string, reason: string) =>
    request(
      z.object({ anomaly: anomalyDtoSchema }),
      `/api/v1/anomalies/${encodeURIComponent(id)}/split`,
      post(reason.trim() === '' ? {} : { reason: reason.trim() }),
    ),
  acknowledge: (id: string) => request(z.object({ workOrder: workOrderDtoSchema }), `/api/v1/work-orders/${encodeURIComponent(id)}/acknowledge`, post({})),
  workOrder: (id: string) => request(workOrderDetailSchema, woPath(id)),
  transition: (id: string, body: TransitionRequest) => request(oneOrder, `${woPath(id)}/transitions`, post(body)),
  closeValve: (unitId: string, workOrderId: string) =>
    request(z.object({ command: valveCommandDtoSchema }), `${unitPath(unitId)}/valve`, post({ action: 'close', confirm: true, workOrderId })),
  escalate: (id: string, note: string) => request(oneOrder, `${woPath(id)}/escalate`, post(note.trim() === '' ? {} : { note: note.trim() })),
  note: (id: string, text: string) => request(z.unknown(), `${woPath(id)}/notes`, post({ text })),
  tick: (id: string, itemId: string, done: boolean, extras: TickExtras = {}) =>
    request(z.unknown(), `${woPath(id)}/checklist/${encodeURIComponent(itemId)}`, { method: 'PATCH', body: JSON.stringify({ done, ...extras }) }),
  intake: (body: IntakeRequest) => request(oneOrder, '/api/v1/work-orders', post(body)),
  people: () => request(z.object({ items: z.array(personDtoSchema) }), '/api/v1/people'),
  /** Multipart (field "photo"): the browser sets the boundary, so no JSON content type here. */
  async uploadPhoto(id: string, file: File) {
    const form = new FormData();
    form.append('photo', file);
    const response = await fetch(`${woPath(id)}/photos`, { method: 'POST', body: form, credentials: 'same-origin' });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(body);
      throw new ApiError(
        parsed.success ? (parsed.data.error.code as ErrorCode) : 'INTERNAL',
        parsed.success ? parsed.data.error.message : `HTTP ${response.status}`,
      );
    }
    return z.object({ photo: photoDtoSchema }).or(photoDtoSchema).parse(body);
  },
  siteSetup: () => request(siteSetupDtoSchema, '/api/v1/site/setup'),
  siteMap: () => request(siteMapDtoSchema, '/api/v1/site/map'),
  unit: (unitId: string) => request(unitDetailDtoSchema, unitPath(unitId)),
  updateOccupancy: (unitId: string, update: OccupancyUpdate) =>
    request(unitDetailDtoSchema, `${unitPath(unitId)}/occupancy`, { method: 'PATCH', body: JSON.stringify(update) }),
  unitConsumption: (unitId: string, bucket: TelemetryBucket) =>
    request(unitConsumptionDtoSchema, `/api/v1/telemetry/units/${encodeURIComponent(unitId)}/consumption?bucket=${bucket}`),
  siteFlow: (minutes: number) => request(consumptionSeriesSchema, `/api/v1/telemetry/site/flow?minutes=${minutes}`),
  nightFlow: (nights: number) => request(nightFlowDtoSchema, `/api/v1/telemetry/site/night-flow?nights=${nights}`),
  kpis: () => request(shiftKpisSchema, '/api/v1/shift/kpis'),
  handovers: () => request(z.object({ items: z.array(handoverNoteSchema) }), '/api/v1/shift/handovers'),
  writeHandover: (body: string) => request(handoverNoteSchema, '/api/v1/shift/handovers', post({ body })),
  takeOver: (id: string) => request(handoverNoteSchema, `/api/v1/shift/handovers/${encodeURIComponent(id)}/take-over`, post({})),
  drillScenarios: () => request(drillScenariosDtoSchema, '/api/v1/drills/scenarios'),
  startDrill: (scenario: string) => request(drillStartedSchema, '/api/v1/drills', post({ scenario })),
  drillStatus: (drillId: string) => request(drillStartedSchema, `/api/v1/drills/${encodeURIComponent(drillId)}`),
  deadLetters: () => request(z.object({ items: z.array(deadLetterDtoSchema), counts: z.record(z.string(), z.number()) }), '/api/v1/dead-letters'),
};
