import { anomalyDtoSchema, type PushDto, pushDtoSchema, workOrderDtoSchema } from '@dutyroom/domain';
import { z } from 'zod';
import type { TickExtras } from '../../lib/work-order/sop-tick.ts';

/** The steward view's calls (typed, parsed with the domain schemas); errors carry the server's code. */

export class StewardApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<S extends z.ZodType>(schema: S, path: string, init: RequestInit = {}): Promise<z.infer<S>> {
  const isForm = init.body instanceof FormData;
  const response = await fetch(path, {
    credentials: 'same-origin',
    ...init,
    headers: { ...(isForm || init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
  });
  const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).safeParse(body);
    throw new StewardApiError(error.success ? error.data.error.code : 'INTERNAL', error.success ? error.data.error.message : `HTTP ${response.status}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new StewardApiError('INTERNAL', `unexpected answer from ${path}`);
  return parsed.data;
}

const overviewSchema = z.object({
  personId: z.string().nullable(),
  onDuty: z.boolean(),
  coveredGrids: z.array(z.string()),
  anomalies: z.array(anomalyDtoSchema),
  workOrders: z.array(workOrderDtoSchema),
});
export type StewardOverview = z.infer<typeof overviewSchema>;

const json = (body: unknown) => JSON.stringify(body);

export const stewardApi = {
  overview: () => call(overviewSchema, '/api/v1/steward/overview'),
  pushes: () => call(z.object({ items: z.array(pushDtoSchema) }), '/api/v1/pushes'),
  acknowledge: (id: string): Promise<{ push: PushDto }> =>
    call(z.object({ push: pushDtoSchema }), `/api/v1/pushes/${encodeURIComponent(id)}/acknowledge`, { method: 'POST' }),
  setOnDuty: (onDuty: boolean) => call(z.unknown(), '/api/v1/me/duty', { method: 'PATCH', body: json({ onDuty }) }),
  owner: (unitId: string) =>
    call(z.object({ phone: z.string().nullable(), name: z.string().nullable(), masked: z.boolean() }), `/api/v1/units/${encodeURIComponent(unitId)}/owner`),
  vapidPublicKey: () => call(z.object({ publicKey: z.string() }), '/api/v1/push/vapid-public-key'),
  subscribe: (subscription: PushSubscriptionJSON) =>
    call(z.object({ id: z.string() }), '/api/v1/push/subscriptions', { method: 'POST', body: json(subscription) }),
  /** 受理 / 到场 / 处理完成 through the work-order API (docs/api.md). */
  transition: (id: string, action: 'accept' | 'arrive' | 'resolve', payload: Record<string, unknown> = {}) =>
    call(z.unknown(), `/api/v1/work-orders/${encodeURIComponent(id)}/transitions`, { method: 'POST', body: json({ action, ...payload }) }),
  checklist: (id: string, itemId: string, done: boolean, extras: TickExtras = {}) =>
    call(z.unknown(), `/api/v1/work-orders/${encodeURIComponent(id)}/checklist/${encodeURIComponent(itemId)}`, {
      method: 'PATCH',
      body: json({ done, ...extras }),
    }),
  photo: (id: string, file: File) => {
    const form = new FormData();
    form.append('photo', file);
    return call(z.object({ photo: z.object({ id: z.string() }) }), `/api/v1/work-orders/${encodeURIComponent(id)}/photos`, { method: 'POST', body: form });
  },
  logout: () => call(z.unknown(), '/api/v1/session', { method: 'DELETE' }),
};

/** base64url (VAPID public key) → the bytes PushManager.subscribe wants. */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
