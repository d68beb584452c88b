import { z } from 'zod';

/** Chart data read from the telemetry store through the server (InfluxDB or the embedded table). */

export const telemetryBuckets = ['minute', 'hour', 'day'] as const;
export type TelemetryBucket = (typeof telemetryBuckets)[number];

export const meterKinds = ['water.total', 'electricity.total'] as const;
export type MeterKind = (typeof meterKinds)[number];

export const seriesPointSchema = z.object({ t: z.number(), value: z.number() });
export type SeriesPoint = z.infer<typeof seriesPointSchema>;

/** Consumption per bucket (m³ or kWh), from differences of cumulative totals; `t` is the bucket start. */
export const consumptionSeriesSchema = z.object({
  kind: z.enum(meterKinds),
  bucket: z.enum(telemetryBuckets),
  from: z.number(),
  to: z.number(),
  points: z.array(seriesPointSchema),
});
export type ConsumptionSeries = z.infer<typeof consumptionSeriesSchema>;

export const unitConsumptionDtoSchema = z.object({
  unitId: z.string(),
  water: consumptionSeriesSchema,
  electricity: consumptionSeriesSchema,
});
export type UnitConsumptionDto = z.infer<typeof unitConsumptionDtoSchema>;

/** Minimum night flow (最小夜间流量) per night, litres per hour, and the baseline (median of nights). */
export const nightFlowDtoSchema = z.object({
  nights: z.array(z.object({ date: z.string(), minLitresPerHour: z.number() })),
  baselineLitresPerHour: z.number().nullable(),
});
export type NightFlowDto = z.infer<typeof nightFlowDtoSchema>;

export const consumptionQuerySchema = z.strictObject({
  bucket: z.enum(telemetryBuckets).default('hour'),
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
});
