export { anchoredStart, createSimClock, type SimClock } from './clock.ts';
export { type CommunityOptions, generateCommunity, generateCommunitySite } from './community.ts';
export { type DemoPlayerOptions, startDemoPlayer } from './demo-player.ts';
export { type DrillRunner, type DrillRunnerOptions, startDrillRunner } from './drill-runner.ts';
export { encoders } from './encoders/index.ts';
export { type Emitted, Simulation, type SimulationOptions } from './engine.ts';
export type { FollowUp } from './follow-ups.ts';
export { checkLoadOptions, LOAD_LIMITS, type LoadOptions, type LoadSummary, loadDeviceId, loadSite, runLoad } from './load.ts';
export type { Observation, WireMessage } from './observation.ts';
export { seededRandom } from './random.ts';
export { type RunningSimulation, type RunOptions, type RunSummary, startRun } from './runner.ts';
export { findScenario, loadScenarios, parseScenario, type ResolvedStep, SCENARIO_DIR, ScenarioError, scheduleScenario } from './scenario.ts';
export { parseDuration, type Scenario } from './scenario-schema.ts';
export {
  loadSimulatorState,
  parseSimulatorState,
  SIMULATOR_STATE_VERSION,
  type SimulationSnapshot,
  type SimulatorState,
  type StateLoad,
  saveSimulatorState,
} from './sim-state.ts';
export { type EcosystemSettings, ecosystemSettings, ecosystemTopics, generatedSources, nativeTopic } from './wire.ts';
