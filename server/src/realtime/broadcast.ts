import { rooms } from '@dutyroom/domain';
import type { Broadcast } from '../services/work-orders.context.ts';
import type { RealtimeServer } from './gateway.ts';

/**
 * Persist, then publish: called only with committed state. Fan-out to the site's control-room room
 * and, for an order in a grid, that grid's room (stewards join theirs; a socket in both gets it once).
 */
export function createBroadcast(io: RealtimeServer): Broadcast {
  return {
    anomaly: (a) => io.to(rooms.site(a.siteId)).emit('anomaly:upserted', a),
    workOrder: (w) => io.to(w.gridId === null ? [rooms.site(w.siteId)] : [rooms.site(w.siteId), rooms.grid(w.siteId, w.gridId)]).emit('workOrder:upserted', w),
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
