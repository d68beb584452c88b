import { z } from 'zod';
import { accessEvents, fireEvents } from '../model/reading.ts';
import type { DeviceChannel } from '../topics.ts';

/**
 * Payloads of the native protocol, one schema per channel of `dutyroom/v1/<site>/devices/<device>/<channel>`
 * (docs/protocol.md; JSON Schemas in docs/schemas/, generated from these by scripts/write-schemas.ts).
 * Every payload is a JSON object; unknown fields are rejected so that a typo never passes silently.
 */

/** Either epoch milliseconds or an ISO 8601 timestamp with an offset. */
export const timestampSchema = z.union([z.number().int().positive(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

/** Fields every native payload may carry. */
const envelope = {
  /** When the device observed it. Optional: a device without a clock (or a last will) omits it and the broker time is used. */
  ts: timestampSchema.optional().describe('When the device observed it: epoch ms or ISO 8601 with an offset; omitted → broker receive time'),
  /** Device-side sequence number; with ts it forms the idempotency key. */
  seq: z.number().int().nonnegative().optional().describe('Device sequence number; with ts, the idempotency key'),
  /** 演练: produced by a drill; anomalies are labelled and page no one outside the site. */
  drill: z.boolean().optional().describe('演练: produced by a drill'),
};

export const meterTotalUnits = ['L', 'm3', 'kWh', 'Wh'] as const;
export type MeterTotalUnit = (typeof meterTotalUnits)[number];

/**
 * `reading`: a meter's cumulative register (`total` with `unit`) or its pulse counter (`pulses`,
 * multiplied by the device's `pulseFactor` from the site file).
 */
export const meterReadingPayloadSchema = z
  .strictObject({
    ...envelope,
    total: z.number().finite().nonnegative().optional().describe('Cumulative register, in unit'),
    unit: z.enum(meterTotalUnits).optional().describe("Unit of total; default: the device's totalUnit, else m3 (water) or kWh"),
    pulses: z.number().int().nonnegative().optional().describe("Cumulative pulse count, × the device's pulseFactor (L or kWh per pulse)"),
  })
  .refine((p) => (p.total === undefined) !== (p.pulses === undefined), {
    message: 'send exactly one of "total" or "pulses"',
    path: ['total'],
  })
  .describe('Meter total or pulse count: exactly one of total and pulses');
export type MeterReadingPayload = z.infer<typeof meterReadingPayloadSchema>;

export const flowUnits = ['m3/h', 'L/h', 'L/min', 'kW', 'W'] as const;
export type FlowUnit = (typeof flowUnits)[number];

/** `flow`: instantaneous water flow (water meter) or active power (electricity meter). */
export const flowPayloadSchema = z
  .strictObject({ ...envelope, value: z.number().finite(), unit: z.enum(flowUnits) })
  .describe('Instantaneous flow (water meter: m3/h, L/h, L/min) or power (electricity meter: kW, W)');

/**
 * A fire-panel point as GB/T 26875 addresses it: 控制器号 (controller), 回路号 (loop), 部位号
 * (point) and 部件类型 (device type, a name or the standard's numeric code), so that a user
 * information transmission unit (用户信息传输装置) can map panel output field by field.
 */
export const firePointSchema = z
  .strictObject({
    controller: z.number().int().nonnegative().describe('控制器号'),
    loop: z.number().int().nonnegative().describe('回路号'),
    point: z.number().int().nonnegative().describe('部位号'),
    deviceType: z
      .union([z.string().min(1), z.number().int().nonnegative().transform(String)])
      .describe('部件类型: a name (smoke, heat, manual-call-point…) or the GB/T 26875 code'),
  })
  .describe('Fire-panel point as GB/T 26875 addresses it');

/** `fire`: from a fire panel (with the point) or a stand-alone smoke or heat detector. */
export const firePayloadSchema = z
  .strictObject({
    ...envelope,
    event: z.enum(fireEvents),
    /** 防火分区/报警区域; defaults to the device's `zone` in the site file. */
    zone: z.string().min(1).optional().describe("防火分区/报警区域; default: the device's zone in the site file"),
    point: firePointSchema.optional(),
  })
  .describe('Fire event from a panel or a detector');

export const gasPayloadSchema = z.strictObject({ ...envelope, event: z.enum(['alarm', 'clear']) }).describe('Gas detector event');
export const leakPayloadSchema = z.strictObject({ ...envelope, event: z.enum(['wet', 'dry']) }).describe('Leak sensor state');
export const tamperPayloadSchema = z.strictObject({ ...envelope, event: z.enum(['tamper', 'clear']) }).describe('Tamper switch state');
export const contactPayloadSchema = z
  .strictObject({ ...envelope, event: z.enum(['open', 'closed']) })
  .describe('Door contact state (as it really is: no inversion)');
export const lockPayloadSchema = z.strictObject({ ...envelope, event: z.enum(['locked', 'unlocked']) }).describe('Door lock or maglock state');

export const accessPayloadSchema = z
  .strictObject({
    ...envelope,
    event: z.enum(accessEvents),
    door: z.string().min(1).optional(),
    card: z.string().min(1).optional(),
    /** Why a card was denied: unknown, deactivated, expired, schedule… */
    reason: z.string().min(1).optional().describe('Why a card was denied: unknown, deactivated, expired, schedule…'),
  })
  .describe('Access reader event; door defaults to the reader');

/** `status`: publish `{"state":"online"}` retained on connect and set `{"state":"offline"}` as the MQTT last will. */
export const statusPayloadSchema = z
  .strictObject({ ...envelope, state: z.enum(['online', 'offline']) })
  .describe('Device status: online retained on connect, offline as the MQTT last will');

/** Below this percentage a battery counts as low when the device does not say so itself. */
export const BATTERY_LOW_PERCENT = 20;

export const batteryPayloadSchema = z
  .strictObject({ ...envelope, percent: z.number().finite().min(0).max(100).optional(), low: z.boolean().optional() })
  .refine((p) => p.percent !== undefined || p.low !== undefined, { message: 'send "percent", "low" or both', path: ['percent'] })
  .describe(`Battery: percent, low or both; low defaults to percent < ${BATTERY_LOW_PERCENT}`);

export const heartbeatPayloadSchema = z.strictObject({ ...envelope }).describe('Proof of life with nothing else to say');

/** The JSON channels and their schemas (`frames` carries hex text or raw bytes, not JSON). */
export const nativePayloadSchemas = {
  reading: meterReadingPayloadSchema,
  flow: flowPayloadSchema,
  fire: firePayloadSchema,
  gas: gasPayloadSchema,
  leak: leakPayloadSchema,
  tamper: tamperPayloadSchema,
  contact: contactPayloadSchema,
  lock: lockPayloadSchema,
  access: accessPayloadSchema,
  status: statusPayloadSchema,
  battery: batteryPayloadSchema,
  heartbeat: heartbeatPayloadSchema,
} as const satisfies Record<Exclude<DeviceChannel, 'frames'>, z.ZodType>;
export type JsonChannel = keyof typeof nativePayloadSchemas;
