import { gridOfAnomaly, rooms, type SiteIndex } from '@dutyroom/domain';
import type { Broadcast } from '../services/work-orders.context.ts';
import type { RealtimeServer } from './gateway.ts';

/**
 * Persist, then publish: called only with committed state. Fan-out to the site's control-room
 * room and, for anomalies and orders, to the record's grid room (its steward and the on-duty
 * steward covering it; STYLE §8.6 habit 8). A socket is in one or the other, never both.
 */
export function createBroadcast(io: RealtimeServer, site: SiteIndex): Broadcast {
  const targets = (siteId: string, gridId: string | null) => (gridId === null ? [rooms.site(siteId)] : [rooms.site(siteId), rooms.grid(siteId, gridId)]);
  return {
    anomaly: (a) => io.to(targets(a.siteId, gridOfAnomaly(site, a))).emit('anomaly:upserted', a),
    workOrder: (w) => io.to(targets(w.siteId, w.gridId)).emit('workOrder:upserted', w),
    escalation: (e) => io.to(rooms.site(e.siteId)).emit('workOrder:escalated', e),
    returnVisit: (v) => io.to(rooms.site(v.siteId)).emit('returnVisit:upserted', v),
  };
}

/** A Broadcast whose target is attached once socket.io exists (the services are built before it). */
export function createLateBroadcast(): Broadcast & { attach(target: Broadcast): void } {
  let target: Broadcast | undefined;
  return {
    attach: (t) => {
      target = t;
    },
    anomaly: (a) => target?.anomaly(a),
    workOrder: (w) => target?.workOrder(w),
    escalation: (e) => target?.escalation(e),
    returnVisit: (v) => target?.returnVisit(v),
  };
}
