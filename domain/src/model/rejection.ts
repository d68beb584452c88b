/** Why a message was not turned into a reading. Each reason is counted and dead-lettered. */
export const rejectionReasons = [
  'oversize',
  'unknown-topic',
  'malformed-json',
  'schema',
  'unknown-device',
  'wrong-device-kind',
  'device-config',
  'internal-error',
] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

export interface Rejection {
  readonly reason: RejectionReason;
  readonly detail: string;
}

export type Normalized<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly rejection: Rejection };

export const reject = (reason: RejectionReason, detail: string): { ok: false; rejection: Rejection } => ({ ok: false, rejection: { reason, detail } });
