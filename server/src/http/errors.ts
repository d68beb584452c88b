import type { ErrorCode } from '@dutyroom/domain';
import { WorkOrderTransitionError } from '@dutyroom/domain';
import { ServiceError } from '../services/errors.ts';

const statusOf: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  WO_INVALID_TRANSITION: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/** The one mapper from thrown errors to `{error:{code,message}}` and an HTTP status. */
export function toErrorBody(error: unknown): { status: number; error: { code: ErrorCode; message: string } } {
  if (error instanceof ServiceError) return { status: statusOf[error.code], error: { code: error.code, message: error.message } };
  if (error instanceof WorkOrderTransitionError) return { status: 409, error: { code: error.code, message: error.message } };
  return { status: 500, error: { code: 'INTERNAL', message: 'internal error; see the server log' } };
}
