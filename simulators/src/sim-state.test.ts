import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCommunitySite } from './community.ts';
import { Simulation } from './engine.ts';
import { resumedStart } from './runner.ts';
import { loadSimulatorState, parseSimulatorState, SIMULATOR_STATE_VERSION, type SimulatorState, saveSimulatorState } from './sim-state.ts';

const T0 = Date.UTC(2026, 10, 23, 16, 0, 0);
const site = generateCommunitySite({ seed: 1, highRises: 1, floors: 2, multiStoreys: 0, villas: 1, shops: 1, siteId: 'st' });

function stateOf(): SimulatorState {
  const sim = new Simulation({ site, seed: 1, startTs: T0, ambient: true });
  sim.advanceTo(T0 + 3_600_000);
  return {
    version: SIMULATOR_STATE_VERSION,
    siteId: 'st',
    seed: 1,
    savedAt: T0,
    simulation: sim.snapshot(),
    demo: { leaksStarted: 3, nextLeakAt: T0 + 60_000 },
  };
}

describe('simulator state file', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-state-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves and loads the same state, atomically (no temporary file left, the old file replaced whole)', async () => {
    const path = join(dir, 'nested', 'state.json');
    const state = stateOf();
    await saveSimulatorState(path, { ...state, savedAt: 1 });
    await saveSimulatorState(path, state);
    expect(await loadSimulatorState(path, { siteId: 'st' })).toEqual({ state });
    expect(await readdir(join(dir, 'nested'))).toEqual(['state.json']);
  });

  it('starts fresh, saying why, when the file is missing, damaged, of another version or of another site', async () => {
    const path = join(dir, 'state.json');
    expect(await loadSimulatorState(join(dir, 'absent.json'), { siteId: 'st' })).toEqual({ state: undefined, reason: 'no state file yet (first start)' });
    const cases: [string, RegExp][] = [
      ['{"version": 1, "siteId": "st", "see', /not JSON/],
      ['', /not JSON/],
      [JSON.stringify({ ...stateOf(), version: 2 }), /version 2; this simulator reads version 1/],
      [JSON.stringify({ version: 1 }), /does not read as a simulator state/],
      [JSON.stringify({ ...stateOf(), simulation: { ...stateOf().simulation, devices: { x: { seq: -1 } } } }), /simulation\.devices\.x/],
      [JSON.stringify({ ...stateOf(), siteId: 'other' }), /for site "other", not "st"/],
    ];
    for (const [text, reason] of cases) {
      await writeFile(path, text);
      const loaded = await loadSimulatorState(path, { siteId: 'st' });
      expect(loaded.state).toBeUndefined();
      expect('reason' in loaded ? loaded.reason : '').toMatch(reason);
    }
    expect(parseSimulatorState('null', { siteId: 'st' })).toEqual({ state: undefined, reason: expect.stringMatching(/version undefined/) });
  });

  it('keeps a reader from ever seeing half a file: the content is whole JSON after every save', async () => {
    const path = join(dir, 'whole.json');
    const state = stateOf();
    await Promise.all(Array.from({ length: 5 }, (_, i) => saveSimulatorState(path, { ...state, savedAt: i })));
    expect(JSON.parse(await readFile(path, 'utf8')).version).toBe(1);
    expect(await readdir(dir)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });
});

describe('where a resumed run starts its clock', () => {
  const wall = T0 + 10 * 86_400_000;
  it('real time: on the wall clock, whatever was saved', () => {
    expect(resumedStart(wall - 60_000, wall, wall, 1)).toBe(wall);
  });
  it('accelerated: where it stopped, not a day back (older than what the ingest already has)', () => {
    expect(resumedStart(wall - 3_600_000, wall - 86_400_000, wall, 144)).toBe(wall - 3_600_000);
  });
  it('accelerated: never ahead of the wall clock, never further back than a fresh run', () => {
    expect(resumedStart(wall + 60_000, wall - 86_400_000, wall, 144)).toBe(wall);
    expect(resumedStart(wall - 5 * 86_400_000, wall - 86_400_000, wall, 144)).toBe(wall - 86_400_000);
  });
});
