/**
 * What a device said, after normalization: one message may yield several readings (a Zigbee2MQTT
 * state carries leak, battery and tamper at once). Canonical units: m³ for water, kWh for
 * electricity, m³/h for flow, kW for power. A key missing from a partial update yields no reading
 * of that kind: missing means unknown, never "false" or "0".
 */

/** Fire-panel point as Chinese panels address it (GB/T 26875: 控制器号/回路号/部位号/部件类型). */
export interface FirePoint {
  readonly controller: number;
  readonly loop: number;
  readonly point: number;
  /** 部件类型, e.g. smoke, heat, manual-call-point, hydrant, module; free text from the panel. */
  readonly deviceType: string;
}

export const fireEvents = ['alarm', 'fault', 'supervisory', 'test', 'reset'] as const;
export type FireEvent = (typeof fireEvents)[number];

export const accessEvents = ['granted', 'denied', 'forced', 'held-open', 'opened', 'closed'] as const;
export type AccessEvent = (typeof accessEvents)[number];

export type ReadingBody =
  /** Cumulative register (m³ or kWh), after pulse factor, scale and unit conversion. */
  | { readonly kind: 'water.total'; readonly value: number }
  | { readonly kind: 'electricity.total'; readonly value: number }
  /** Instantaneous flow (m³/h) and power (kW). */
  | { readonly kind: 'water.flow'; readonly value: number }
  | { readonly kind: 'electricity.power'; readonly value: number }
  | {
      readonly kind: 'fire';
      readonly event: FireEvent;
      /** Fire zone (防火分区/报警区域); the site file gives a detector's zone when the panel does not. */
      readonly zone: string | undefined;
      readonly point: FirePoint | undefined;
    }
  | { readonly kind: 'gas'; readonly event: 'alarm' | 'clear' }
  | { readonly kind: 'leak'; readonly wet: boolean }
  | { readonly kind: 'tamper'; readonly active: boolean }
  /** A door contact, already polarity-corrected: true means the door stands open. */
  | { readonly kind: 'contact'; readonly open: boolean }
  /** A door lock or maglock: a fire door must not be locked (防火门应关闭但不得上锁). */
  | { readonly kind: 'lock'; readonly locked: boolean }
  | {
      readonly kind: 'access';
      readonly event: AccessEvent;
      readonly door: string | undefined;
      readonly card: string | undefined;
      /** Why a card was denied, as the reader says it: unknown, deactivated, expired, schedule… */
      readonly reason: string | undefined;
    }
  /** Device availability: MQTT last will, LWT, Zigbee2MQTT availability, LoRaWAN status. */
  | { readonly kind: 'status'; readonly online: boolean }
  | { readonly kind: 'battery'; readonly percent: number | undefined; readonly low: boolean }
  /** Proof of life with nothing else to say. Every reading counts as a heartbeat too. */
  | { readonly kind: 'heartbeat' };

export type ReadingKind = ReadingBody['kind'];

export const readingKinds = [
  'water.total',
  'electricity.total',
  'water.flow',
  'electricity.power',
  'fire',
  'gas',
  'leak',
  'tamper',
  'contact',
  'lock',
  'access',
  'status',
  'battery',
  'heartbeat',
] as const satisfies readonly ReadingKind[];

export interface ReadingMeta {
  readonly siteId: string;
  readonly deviceId: string;
  /** The time the ingest trusts: the device's clock unless it is absurd, then the broker receive time. */
  readonly ts: number;
  /** The device's own timestamp (the receive time when the device sent none). */
  readonly deviceTs: number;
  /** When the broker delivered the message to the ingest: always recorded. */
  readonly receivedAt: number;
  /** 演练: produced by a drill; anomalies are labelled and page no one outside the site. */
  readonly drill: boolean;
  /** Same message delivered twice → same key. Several readings of one message share the message's key plus their kind. */
  readonly idempotencyKey: string;
}

export type Reading = ReadingMeta & ReadingBody;
export type ReadingOf<K extends ReadingKind> = ReadingMeta & Extract<ReadingBody, { kind: K }>;

export const isReadingOf = <K extends ReadingKind>(reading: Reading, kind: K): reading is ReadingOf<K> => reading.kind === kind;

export type NumericReadingKind = 'water.total' | 'electricity.total' | 'water.flow' | 'electricity.power';
export const numericReadingKinds: readonly NumericReadingKind[] = ['water.total', 'electricity.total', 'water.flow', 'electricity.power'];

/** The measured value of a meter or flow reading; undefined for events (fire, access, status…). */
export const numericValue = (reading: Reading): number | undefined => ('value' in reading ? reading.value : undefined);
