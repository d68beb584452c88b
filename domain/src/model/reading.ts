/** A measurement after normalization: canonical units (m³ for water, kWh for electricity). */
export type ReadingKind = 'water.total' | 'electricity.total';

export interface Reading {
  readonly siteId: string;
  readonly deviceId: string;
  readonly kind: ReadingKind;
  readonly value: number;
  /** The time the ingest trusts: the device's clock unless it is absurd, then the broker receive time. */
  readonly ts: number;
  readonly deviceTs: number;
  readonly receivedAt: number;
  readonly drill: boolean;
  /** Same message delivered twice → same key. */
  readonly idempotencyKey: string;
}
