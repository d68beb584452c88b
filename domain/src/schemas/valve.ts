import { z } from 'zod';

/**
 * 关阀: the first step of the SOP for water running in an empty unit (社区管家工作职责: "首先关上该
 * 单位的水闸阀"), done remotely when the unit's water meter has a valve. The operator confirms it
 * explicitly (`confirm: true`): a valve closed by mistake leaves an occupied home without water.
 */
export const valveActions = ['close', 'open'] as const;
export type ValveAction = (typeof valveActions)[number];

export const valveCommandRequestSchema = z.strictObject({
  action: z.enum(valveActions),
  confirm: z.literal(true, { error: 'confirm: must be true — a valve command is sent only when the operator confirms it' }),
  /** The work order the command is part of: the command appears on its timeline. */
  workOrderId: z
    .string()
    .regex(/^\d{1,9}$/, 'a work order id')
    .optional(),
  note: z.string().max(500).optional(),
});
export type ValveCommandRequest = z.infer<typeof valveCommandRequestSchema>;

/** Payload of `dutyroom/v1/<site>/commands/<device>/valve` (QoS 1): what the meter's gateway executes. */
export const valveCommandPayloadSchema = z.strictObject({
  commandId: z.string(),
  action: z.enum(valveActions),
  /** Epoch ms the command was issued; a gateway drops one older than a few minutes. */
  ts: z.number().int().positive(),
  drill: z.boolean(),
});
export type ValveCommandPayload = z.infer<typeof valveCommandPayloadSchema>;

export const valveCommandDtoSchema = z.object({
  id: z.string(),
  unitId: z.string(),
  deviceId: z.string(),
  action: z.enum(valveActions),
  status: z.enum(['sent', 'failed']),
  issuedBy: z.string(),
  issuedAt: z.number(),
  workOrderId: z.string().nullable(),
});
export type ValveCommandDto = z.infer<typeof valveCommandDtoSchema>;
