import { z } from 'zod';

/** Per-site push channels and their settings. Filled by the stewards-and-pushes issue. */
export const siteNotifySchema = z.strictObject({});
export type SiteNotify = z.infer<typeof siteNotifySchema>;
