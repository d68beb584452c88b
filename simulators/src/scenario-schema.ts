import { z } from 'zod';

/**
 * A scenario file (simulators/scenarios/*.yaml): what happens, when, and what the product must
 * make of it. Times are offsets from the start ("90s", "5m", "2h") or a local time of day
 * ("03:00": the first such instant after the start, in the site's time zone).
 */

export const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const timeOfDayPattern = /^([01]\d|2[0-3]):([0-5]\d)$/;
const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const durationSchema = z
  .union([z.string().regex(durationPattern, 'a duration such as "90s", "5m", "2h"'), z.number().nonnegative()])
  .transform((v) => (typeof v === 'number' ? v * 1000 : parseDuration(v)));

export function parseDuration(text: string): number {
  const match = durationPattern.exec(text);
  if (match === null) throw new RangeError(`not a duration: "${text}" (use 90s, 5m, 2h)`);
  return Number(match[1]) * (units[match[2] ?? 's'] ?? 1000);
}

const atSchema = z.union([
  durationSchema.transform((offsetMs) => ({ offsetMs }) as const),
  z
    .string()
    .regex(timeOfDayPattern, 'an offset ("5m") or a local time of day ("03:00")')
    .transform((t) => ({ hour: Number(t.slice(0, 2)), minute: Number(t.slice(3)) }) as const),
]);
export type StepTime = z.infer<typeof atSchema>;

const occupancyStatus = z.enum(['occupied', 'vacant', 'custody', 'decorating', 'shop-closed']);

/** A unit by id, or the first unit (file order) that matches. */
const unitTarget = z.union([
  z.string().min(1),
  z.strictObject({
    /** One status or any of several. */
    occupancy: z.union([occupancyStatus.transform((o) => [o]), z.array(occupancyStatus).min(1)]).optional(),
    building: z.string().optional(),
    /** Ecosystem of the unit's water meter ("native", "cjt188"…). */
    meter: z.string().optional(),
    /** The unit has a device of this kind (leak-sensor, gas-detector…). */
    has: z.string().optional(),
  }),
]);
/** A device by id, or the first device (file order) that matches. */
const deviceTarget = z.union([
  z.string().min(1),
  z.strictObject({
    kind: z.string().optional(),
    ecosystem: z.string().optional(),
    fireDoor: z.boolean().optional(),
    /** Kind of the public area it is in: gate, stairwell, lobby… */
    area: z.string().optional(),
    /** Only gateways: the ecosystem of the devices behind it. */
    serves: z.string().optional(),
  }),
]);

const common = { at: atSchema, note: z.string().optional() };
export const stepSchema = z.discriminatedUnion('do', [
  z.strictObject({ ...common, do: z.literal('leak'), unit: unitTarget, litresPerMinute: z.number().positive().default(1.5), for: durationSchema.optional() }),
  z.strictObject({
    ...common,
    do: z.literal('burst'),
    unit: unitTarget.optional(),
    device: deviceTarget.optional(),
    litresPerMinute: z.number().positive().default(60),
    for: durationSchema.default(15 * 60_000),
  }),
  z.strictObject({
    ...common,
    do: z.literal('fire-alarm'),
    zone: z.string().min(1).default('any'),
    detectors: z.number().int().min(1).default(2),
    every: durationSchema.default(60_000),
  }),
  z.strictObject({
    ...common,
    do: z.literal('fire-door-open'),
    device: deviceTarget.default({ kind: 'door-contact', fireDoor: true }),
    for: durationSchema.optional(),
  }),
  z.strictObject({ ...common, do: z.literal('door-forced'), device: deviceTarget.default({ kind: 'access-reader', area: 'gate' }) }),
  z.strictObject({ ...common, do: z.literal('gateway-offline'), device: deviceTarget.default({ kind: 'gateway' }), for: durationSchema.optional() }),
  z.strictObject({ ...common, do: z.literal('meter-swap'), unit: unitTarget.optional(), device: deviceTarget.optional() }),
  z.strictObject({ ...common, do: z.literal('gas-alarm'), unit: unitTarget.default({ has: 'gas-detector' }), for: durationSchema.optional() }),
  z.strictObject({ ...common, do: z.literal('leak-sensor-wet'), unit: unitTarget.default({ has: 'leak-sensor' }), for: durationSchema.optional() }),
  z.strictObject({ ...common, do: z.literal('device-offline'), device: deviceTarget, for: durationSchema.optional() }),
]);
export type ScenarioStep = z.infer<typeof stepSchema>;

const expectation = z.strictObject({
  rule: z.string().min(1),
  severity: z.enum(['P1', 'P2', 'P3', 'P4']).optional(),
  /** The step (by index) whose unit the anomaly or work order must be about. */
  unitOfStep: z.number().int().nonnegative().optional(),
  /** Evidence the anomaly must carry (a subset), e.g. `{ reason: last-will }`. */
  evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  description: z.string().optional(),
  /** Simulated time per wall time when run from the CLI or the console; tests may run faster. */
  speed: z.number().min(1).default(60),
  duration: durationSchema,
  /** Local time of day the simulated run starts at ("02:50"): the run is placed on the most recent such instant. */
  startsAt: z.string().regex(timeOfDayPattern, 'a local time of day such as "02:50"').optional(),
  /** Generated community to run on when no site is given (tests, `npm run sim -- scenario`). */
  community: z
    .strictObject({
      seed: z.number().int().default(1),
      highRises: z.number().int().nonnegative().default(1),
      floors: z.number().int().positive().default(6),
      multiStoreys: z.number().int().nonnegative().default(0),
      villas: z.number().int().nonnegative().default(0),
      shops: z.number().int().nonnegative().default(2),
    })
    .prefault({}),
  steps: z.array(stepSchema).min(1),
  expect: z.strictObject({ anomalies: z.array(expectation).default([]), workOrders: z.array(expectation).default([]) }).prefault({}),
});
export type Scenario = z.infer<typeof scenarioSchema>;
