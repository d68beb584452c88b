import type { AnomalyDto, ErrorCode, WorkOrderDto } from './schemas/dto.ts';

/** THE socket.io event names and payloads, typed for both ends. */

export type AckResult = { ok: true } | { ok: false; code: ErrorCode; message: string };

export interface ServerToClientEvents {
  'anomaly:upserted': (anomaly: AnomalyDto) => void;
  'workOrder:upserted': (workOrder: WorkOrderDto) => void;
}

export interface ClientToServerEvents {
  'workOrder:acknowledge': (request: { id: string }, ack: (result: AckResult) => void) => void;
}

/** Rooms: the control room of a site sees all of it; a steward's grid room only that grid. */
export const rooms = {
  site: (siteId: string) => `site:${siteId}`,
  grid: (siteId: string, gridId: string) => `grid:${siteId}:${gridId}`,
} as const;
