import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * What a simulator must remember across a restart so that its devices do not start over: every
 * device's register, battery, sequence number and next report, the gateways still off the network,
 * the day's pending follow-ups (src/follow-ups.ts), the simulated clock and the demo's progress. A
 * real meter does not go back to its factory reading because the software watching it restarted;
 * the demo's meters must not either, or the ingest sees every register run backwards (issue 14).
 *
 * One JSON file, written atomically (temporary file, fsync, rename), so a crash mid-write leaves the
 * previous state, never half a file. A missing, unreadable, foreign-site or other-version file is a
 * fresh start with a log line that says why, never a crash.
 */
export const SIMULATOR_STATE_VERSION = 1;

const finite = z.number().finite();

const deviceStateSchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  online: z.boolean(),
  lastAdvanceAt: finite,
  /** Simulated instant of the device's next report or heartbeat. */
  nextReportAt: finite,
  totalLitres: finite.nonnegative(),
  totalKwh: finite.nonnegative(),
  powerKw: finite,
  flowLitresPerMinute: finite,
  extraFlowLitresPerMinute: finite,
  extraFlowUntil: finite,
  valveClosed: z.boolean(),
  battery: finite,
  wet: z.boolean(),
  doorOpen: z.boolean(),
  alarm: z.boolean(),
});
export type DeviceState = z.infer<typeof deviceStateSchema>;

const firePointSchema = z.strictObject({ controller: finite, loop: finite, point: finite, deviceType: z.string() });
const pendingFollowUpSchema = z.discriminatedUnion('do', [
  z.strictObject({ at: finite, do: z.literal('fire-reset'), deviceId: z.string(), point: firePointSchema }),
  z.strictObject({ at: finite, do: z.literal('device-back'), deviceId: z.string() }),
  z.strictObject({ at: finite, do: z.literal('door-closed'), deviceId: z.string() }),
]);

/** The demo player's own progress (src/demo-player.ts): how many leaks it started, when the next is due. */
const demoStateSchema = z.strictObject({ leaksStarted: z.number().int().nonnegative(), nextLeakAt: finite });
export type DemoState = z.infer<typeof demoStateSchema>;

/** What the simulation itself saves (Simulation.snapshot) and resumes from (`resume` option). */
export const simulationSnapshotSchema = z.strictObject({
  /** Simulated instant the snapshot was taken at: the clock resumes from here, never before. */
  simNow: finite,
  devices: z.record(z.string(), deviceStateSchema),
  offlineGateways: z.array(z.string()),
  followUps: z.array(pendingFollowUpSchema),
});
export type SimulationSnapshot = z.infer<typeof simulationSnapshotSchema>;

export const simulatorStateSchema = z.strictObject({
  version: z.literal(SIMULATOR_STATE_VERSION),
  siteId: z.string(),
  seed: z.number().int(),
  /** Wall clock at the save, for the log line ("saved 12 s ago"). */
  savedAt: finite,
  simulation: simulationSnapshotSchema,
  demo: demoStateSchema.optional(),
});
export type SimulatorState = z.infer<typeof simulatorStateSchema>;

export type StateLoad = { readonly state: SimulatorState } | { readonly state: undefined; readonly reason: string };

/** A state file's text → the state, or why a fresh start it is. Pure: `loadSimulatorState` adds the file. */
export function parseSimulatorState(text: string, expected: { readonly siteId: string }): StateLoad {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: undefined, reason: 'the state file is not JSON (a damaged file?)' };
  }
  const version = typeof json === 'object' && json !== null && 'version' in json ? (json as { version: unknown }).version : undefined;
  if (version !== SIMULATOR_STATE_VERSION) {
    return { state: undefined, reason: `the state file is version ${String(version)}; this simulator reads version ${SIMULATOR_STATE_VERSION}` };
  }
  const parsed = simulatorStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { state: undefined, reason: `the state file does not read as a simulator state (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})` };
  }
  if (parsed.data.siteId !== expected.siteId) {
    return { state: undefined, reason: `the state file is for site "${parsed.data.siteId}", not "${expected.siteId}"` };
  }
  return { state: parsed.data };
}

/** Reads the state file; a missing file is a first start, anything wrong with it a fresh start. */
export async function loadSimulatorState(path: string, expected: { readonly siteId: string }): Promise<StateLoad> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { state: undefined, reason: code === 'ENOENT' ? 'no state file yet (first start)' : `the state file cannot be read (${code ?? String(error)})` };
  }
  return parseSimulatorState(text, expected);
}

let saves = 0;

/** Writes the state atomically: a reader (or the next start after a crash) sees the old file or the new one. */
export async function saveSimulatorState(path: string, state: SimulatorState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${saves++}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(JSON.stringify(state));
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
