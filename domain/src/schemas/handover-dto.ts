import { z } from 'zod';

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
