import { z } from 'zod';
import { occupancyStatuses } from '../site/site-schema.ts';

/**
 * Payload of `dutyroom/v1/<site>/units/<unit>/occupancy` (retained, QoS 1): an occupancy edit the
 * server committed, for the ingest to judge the unit's meters by (a unit set to vacant starts the
 * vacant-unit rules at once). `updatedAt` orders edits: an older one never overrides a newer one.
 */
export const occupancyEventSchema = z.strictObject({
  unitId: z.string().min(1),
  status: z.enum(occupancyStatuses),
  since: z.iso.date().nullable(),
  startReadings: z.strictObject({ waterM3: z.number().nonnegative().nullable(), electricityKwh: z.number().nonnegative().nullable() }),
  updatedAt: z.number().int().positive(),
});
export type OccupancyEvent = z.infer<typeof occupancyEventSchema>;
