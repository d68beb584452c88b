/**
 * Why a message (or one part of it) was not turned into readings. Each reason is counted in
 * Prometheus, dead-lettered with the raw payload, and documented in docs/protocol.md.
 */
export const rejectionReasons = [
  'oversize',
  'unknown-topic',
  'malformed-json',
  'schema',
  'unknown-device',
  'wrong-device-kind',
  'device-config',
  /** A meter frame that cannot be read: no start byte, wrong length, missing end byte, bad BCD. */
  'bad-frame',
  'checksum',
  /** A meter's error reply (DL/T 645 abnormal response, CJ/T 188 status error). */
  'device-error',
  'timestamp-future',
  'timestamp-past',
  /** Negative volume, NaN, a register beyond the meter's digits. */
  'impossible-value',
  'unsupported',
  'internal-error',
] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

export interface Rejection {
  readonly reason: RejectionReason;
  readonly detail: string;
}

export type Normalized<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly rejection: Rejection };

export const reject = (reason: RejectionReason, detail: string): { ok: false; rejection: Rejection } => ({ ok: false, rejection: { reason, detail } });
