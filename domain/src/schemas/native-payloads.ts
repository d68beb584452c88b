import { z } from 'zod';

/** Either epoch milliseconds or an ISO 8601 timestamp with an offset. */
export const timestampSchema = z.union([z.number().int().positive(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

export const meterTotalUnits = ['L', 'm3', 'kWh', 'Wh'] as const;
export type MeterTotalUnit = (typeof meterTotalUnits)[number];

/**
 * Native meter reading, topic `dutyroom/v1/<site>/devices/<device>/reading`. A meter sends its
 * cumulative register (`total` with `unit`) or its pulse counter (`pulses`, multiplied by the
 * device's `pulseFactor` from the site file). See docs/protocol.md.
 */
export const meterReadingPayloadSchema = z
  .strictObject({
    ts: timestampSchema,
    total: z.number().finite().nonnegative().optional(),
    unit: z.enum(meterTotalUnits).optional(),
    pulses: z.number().int().nonnegative().optional(),
    /** Device-side sequence number; with ts it forms the idempotency key. */
    seq: z.number().int().nonnegative().optional(),
    /** 演练: produced by a drill; anomalies are labelled and page no one outside the site. */
    drill: z.boolean().optional(),
  })
  .refine((p) => (p.total === undefined) !== (p.pulses === undefined), {
    message: 'send exactly one of "total" or "pulses"',
    path: ['total'],
  });

export type MeterReadingPayload = z.infer<typeof meterReadingPayloadSchema>;
