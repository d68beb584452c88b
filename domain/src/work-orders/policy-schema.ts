import { z } from 'zod';

/** Per-site work-order policy (time standards, return visits, call hours). Filled by the work-order issue. */
export const workOrderPolicySchema = z.strictObject({});
export type WorkOrderPolicy = z.infer<typeof workOrderPolicySchema>;
