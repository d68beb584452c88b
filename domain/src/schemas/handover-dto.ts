import { z } from 'zod';
import { anomalyDtoSchema } from './dto.ts';

/** 交接班: the outgoing operator's note for the next shift, and the shift's figures at that moment. */

export const shiftKpisSchema = z.object({
  openP1: z.number().int(),
  openP2: z.number().int(),
  /** Work orders whose current step passed its deadline since the site's midnight. */
  breachesToday: z.number().int(),
  /** Mean seconds from creation to acknowledgement, today; null when none was acknowledged. */
  meanSecondsToAcknowledge: z.number().nullable(),
  /** Mean seconds from creation to arrival on site, today; null when no one arrived yet. */
  meanSecondsToArrive: z.number().nullable(),
});
export type ShiftKpis = z.infer<typeof shiftKpisSchema>;

export const handoverNoteSchema = z.object({
  id: z.string(),
  author: z.string(),
  body: z.string(),
  createdAt: z.number(),
  kpis: shiftKpisSchema,
  takenOverBy: z.string().nullable(),
  takenOverAt: z.number().nullable(),
});
export type HandoverNote = z.infer<typeof handoverNoteSchema>;

export const handoverCreateSchema = z.strictObject({ body: z.string().trim().min(1).max(4000) });

/**
 * 每日摘要 (issue 14): what the dispatch kept off the phones on one local day — anomalies that got
 * no work order (rules set to `never`, cleared within their hold, still held), by rule and listed.
 */
export const shiftDigestQuerySchema = z.strictObject({
  day: z.iso.date({ error: 'a local day such as 2026-03-10' }).optional(),
});
export const shiftDigestSchema = z.object({
  day: z.string(),
  from: z.number(),
  to: z.number(),
  notDispatched: z.array(z.object({ rule: z.string(), count: z.number().int() })),
  anomalies: z.array(anomalyDtoSchema),
});
export type ShiftDigest = z.infer<typeof shiftDigestSchema>;
