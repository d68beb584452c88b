import { z } from 'zod';

/**
 * 演练 (SPEC §8, issue 7): the console starts a drill; a drill runner (simulators/src/drill-runner.ts)
 * plays one of the YAML scenarios the simulators ship, every message native with `drill: true`.
 * Server and runner talk over MQTT (topics in topics.ts): the runner's retained catalog, the
 * server's request (QoS 1) and the runner's retained status per drill.
 */

const scenarioName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'a scenario name is lowercase letters, digits and "-"');

/** One scenario a runner can play on this site. */
export const drillCatalogEntrySchema = z.object({
  name: scenarioName,
  /** The scenario's title as written in its YAML (Chinese first, then English). */
  title: z.string(),
  description: z.string(),
  /** Simulated minutes the drill covers and the wall seconds it takes. */
  simulatedMinutes: z.number().nonnegative(),
  wallSeconds: z.number().nonnegative(),
});
export type DrillCatalogEntry = z.infer<typeof drillCatalogEntrySchema>;

/** Payload of `dutyroom/v1/<site>/drills/catalog` (retained; an empty payload: no runner). */
export const drillCatalogSchema = z.object({
  siteId: z.string(),
  runnerId: z.string(),
  publishedAt: z.number().int(),
  scenarios: z.array(drillCatalogEntrySchema),
});
export type DrillCatalog = z.infer<typeof drillCatalogSchema>;

/** Payload of `dutyroom/v1/<site>/drills/<drillId>/request` (QoS 1, server → runner). */
export const drillRequestSchema = z.object({
  drillId: z.string().min(1),
  scenario: scenarioName,
  requestedBy: z.string(),
  requestedAt: z.number().int(),
});
export type DrillRequest = z.infer<typeof drillRequestSchema>;

export const drillStates = ['running', 'finished', 'failed'] as const;
export type DrillState = (typeof drillStates)[number];

/** Payload of `dutyroom/v1/<site>/drills/<drillId>/status` (retained, runner → everyone). */
export const drillStatusSchema = z.object({
  drillId: z.string(),
  scenario: z.string(),
  state: z.enum(drillStates),
  /** Messages published so far, and those the broker refused. */
  published: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  startedAt: z.number().int(),
  finishedAt: z.number().int().nullable(),
  /** Units the scenario's steps resolved to on this site. */
  unitIds: z.array(z.string()),
  deviceIds: z.array(z.string()),
  error: z.string().nullable(),
});
export type DrillStatus = z.infer<typeof drillStatusSchema>;

/** HTTP: the scenarios the console offers (`GET /api/v1/drills/scenarios`). */
export const drillScenariosDtoSchema = z.object({ scenarios: z.array(drillCatalogEntrySchema) });
export type DrillScenariosDto = z.infer<typeof drillScenariosDtoSchema>;

/** HTTP: start a drill (`POST /api/v1/drills`); the name must be in the runner's catalog. */
export const drillStartSchema = z.strictObject({ scenario: scenarioName });
export type DrillStart = z.infer<typeof drillStartSchema>;

/** HTTP: the drill as the runner acknowledged it. */
export const drillStartedSchema = drillStatusSchema.extend({ title: z.string() });
export type DrillStarted = z.infer<typeof drillStartedSchema>;
