import { boardSnapshotSchema, type ErrorCode, userDtoSchema, workOrderDtoSchema } from '@dutyroom/domain';
import { z } from 'zod';

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
async function request<S extends z.ZodType>(schema: S, path: string, init: RequestInit = {}): Promise<z.infer<S>> {
  const response = await fetch(path, { credentials: 'same-origin', ...init, headers: { 'content-type': 'application/json', ...init.headers } });
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

export const api = {
  info: () => request(z.object({ siteName: z.string(), demo: z.object({ username: z.string(), password: z.string() }).nullable() }), '/api/v1/info'),
  login: (username: string, password: string) =>
    request(z.object({ user: userDtoSchema }), '/api/v1/session', { method: 'POST', body: JSON.stringify({ username, password }) }),
  logout: () => request(z.null(), '/api/v1/session', { method: 'DELETE' }),
  me: () => request(z.object({ user: userDtoSchema }), '/api/v1/me'),
  board: () => request(boardSnapshotSchema, '/api/v1/board'),
  acknowledge: (id: string) =>
    request(z.object({ workOrder: workOrderDtoSchema }), `/api/v1/work-orders/${encodeURIComponent(id)}/acknowledge`, { method: 'POST', body: '{}' }),
};
