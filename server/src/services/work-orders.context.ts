import type { AnomalyDto, EscalationEvent, ReturnVisitDto, SiteFile, SiteIndex, UserDto, WorkOrderDto, WorkOrderPolicy } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import { toWorkOrderDto, type WorkOrderRecord } from '../repositories/work-orders.repository.ts';
import type { GridScope } from './access.ts';
import type { Directory } from './directory.ts';
import type { Escalations } from './escalations.ts';

/** Where committed changes go: socket.io rooms (and, through Escalations, pushes). */
export interface Broadcast {
  anomaly(anomaly: AnomalyDto): void;
  workOrder(workOrder: WorkOrderDto): void;
  escalation(event: EscalationEvent): void;
  returnVisit(visit: ReturnVisitDto): void;
}

/** What every work-order service receives from the composition root (server.ts). */
export interface WorkOrdersContext {
  readonly db: Db;
  readonly site: SiteIndex;
  readonly siteFile: SiteFile;
  readonly policy: WorkOrderPolicy;
  readonly directory: Directory;
  readonly broadcast: Broadcast;
  readonly escalations: Escalations;
  readonly now: () => number;
  readonly log: Logger;
  /** Units whose water meter has a remotely controlled valve. */
  readonly unitsWithValve: ReadonlySet<string>;
  /** Grid scoping for stewards and crews (the roster of the moment); without it only site-wide roles pass. */
  readonly scope?: GridScope | undefined;
}

/** Who did it, as the timeline and the audit log name them. */
export interface Actor {
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
}

export const SYSTEM_ACTOR: Actor = { username: 'system', displayName: '系统', role: 'system' };
export const actorOf = (user: UserDto): Actor => ({ username: user.username, displayName: user.displayName, role: user.role });

export const dtoOf = (ctx: WorkOrdersContext, record: WorkOrderRecord) => toWorkOrderDto(record, ctx.policy.escalation.chain.length);
