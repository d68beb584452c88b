import type { PushDto } from './notify/push-dto.ts';
import type { AnomalyDto, ErrorCode, WorkOrderDto } from './schemas/dto.ts';
import type { HandoverNote } from './schemas/handover-dto.ts';
import type { SiteMapUnit } from './schemas/site-dto.ts';
import type { EscalationEvent, ReturnVisitDto } from './schemas/work-order-dto.ts';

/** THE socket.io event names and payloads, typed for both ends. */

export type AckResult = { ok: true } | { ok: false; code: ErrorCode; message: string };

export interface ServerToClientEvents {
  'anomaly:upserted': (anomaly: AnomalyDto) => void;
  /** Every committed change of an order (transition, assignment, checklist, clock, reminder). */
  'workOrder:upserted': (workOrder: WorkOrderDto) => void;
  /** A push to this user (per-user room) or, in the control room, any push of the site; again on each delivery or acknowledgement. */
  'push:upserted': (push: PushDto) => void;
  /** A warning before a breach (level 0) or an escalation on a breach, after commit. */
  'workOrder:escalated': (event: EscalationEvent) => void;
  /** A return visit was scheduled, rescheduled (heavy rain) or done. */
  'returnVisit:upserted': (visit: ReturnVisitDto) => void;
}

export interface ClientToServerEvents {
  'workOrder:acknowledge': (request: { id: string }, ack: (result: AckResult) => void) => void;
  /** 确认 a push: stops its escalation. */
  'push:acknowledge': (request: { id: string }, ack: (result: AckResult) => void) => void;
}

/** Rooms: the control room of a site sees all of it; a steward's grid room only that grid. */
export const rooms = {
  site: (siteId: string) => `site:${siteId}`,
  grid: (siteId: string, gridId: string) => `grid:${siteId}:${gridId}`,
  /** One room per account: pushes to that person's open consoles. */
  user: (userId: string) => `user:${userId}`,
} as const;

// ── Console: site map, charts and shift handover (issue 5). Interface merging keeps this block apart. ──

export interface ServerToClientEvents {
  /** A unit's occupancy or open-anomaly count changed: the site map recolours that cell. */
  'unit:updated': (unit: SiteMapUnit) => void;
  /** New telemetry may be there (sent at most every few seconds): charts refetch what they show. */
  'telemetry:tick': (tick: { at: number }) => void;
  /** A shift handover note was written or taken over. */
  'handover:upserted': (note: HandoverNote) => void;
}
