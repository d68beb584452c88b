import type { BlockingItem, ErrorCode } from '@dutyroom/domain';
import { WorkOrderTransitionError } from '@dutyroom/domain';
import { ServiceError, SopIncompleteError } from '../services/errors.ts';

const statusOf: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  WO_INVALID_TRANSITION: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  DRILL_RUNNER_ABSENT: 503,
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_AN_INCIDENT: 409,
  INCIDENT_NOT_MEMBER: 409,
  INCIDENT_ALREADY_SPLIT: 409,
  SOP_INCOMPLETE: 409,
};

/** Fastify's and its plugins' own client errors (malformed JSON, body or file too large, wrong content type). */
const codeOfHttpStatus = (status: number): ErrorCode =>
  status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status === 404 ? 'NOT_FOUND' : 'VALIDATION';

export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  /** For VALIDATION: each problem with the path of the field. */
  readonly issues?: readonly { path: string; message: string }[];
  /** For SOP_INCOMPLETE: the items that block the step (issue 23). */
  readonly items?: readonly BlockingItem[];
}

/** The one mapper from thrown errors to `{error:{code,message}}` and an HTTP status (socket acks use it too). */
export function toErrorBody(error: unknown): { status: number; error: ErrorBody } {
  if (error instanceof ValidationError) return { status: 400, error: { code: 'VALIDATION', message: error.message, issues: error.issues } };
  if (error instanceof SopIncompleteError)
    return { status: 409, error: { code: error.code, message: error.message, items: error.items.map((i) => ({ ...i })) } };
  if (error instanceof ServiceError) return { status: statusOf[error.code], error: { code: error.code, message: error.message } };
  if (error instanceof WorkOrderTransitionError) return { status: 409, error: { code: error.code, message: error.message } };
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { status, error: { code: codeOfHttpStatus(status), message: (error as Error).message } };
  return { status: 500, error: { code: 'INTERNAL', message: 'internal error; see the server log' } };
}

export class ValidationError extends ServiceError {
  constructor(readonly issues: { path: string; message: string }[]) {
    super('VALIDATION', issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}
