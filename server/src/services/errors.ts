import type { BlockingItem, ErrorCode } from '@dutyroom/domain';

/** A failure a user can act on; each edge maps it (HTTP status, socket ack). */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Issue 23: a step refused because SOP items owed before it are open; the items travel to the client. */
export class SopIncompleteError extends ServiceError {
  constructor(
    readonly stage: 'resolve' | 'close',
    readonly items: readonly BlockingItem[],
  ) {
    const list = items.map((i) => `${i.id} (${i.zh}${i.missing === null ? '' : `: needs ${i.missing}`})`).join(', ');
    super('SOP_INCOMPLETE', `the procedure is not done for ${stage}: ${list}; finish these items or record an exception with a reason (sopException)`);
  }
}
