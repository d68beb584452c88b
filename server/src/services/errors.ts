import type { ErrorCode } from '@dutyroom/domain';

/** A failure a user can act on; each edge maps it (HTTP status, socket ack). */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
