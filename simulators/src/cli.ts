import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SiteFile } from '@dutyroom/domain';
import { loadSiteFile, parseSiteFile } from '@dutyroom/platform';
import { generateCommunity, generateCommunitySite } from './community.ts';
import { startDrillRunner } from './drill-runner.ts';
import { LoadOptionsError, runLoad } from './load.ts';
import { type RunProgress, type RunSummary, startRun } from './runner.ts';
import { findScenario, loadScenarios, ScenarioError } from './scenario.ts';
import { parseDuration } from './scenario-schema.ts';
import { loadSimulatorState, SIMULATOR_STATE_VERSION, saveSimulatorState } from './sim-state.ts';

const usage = `Dutyroom simulators — a whole community without hardware (docs/simulators.md)

Usage: npm run sim -- <command> [options]

Commands:
  generate-site              write a site file for a generated community (deterministic from --seed)
      --seed N  --high-rises N  --floors N  --multi-storeys N  --villas N  --shops N  --site-id ID  --out FILE
  play                       play a site over MQTT: every device in its ecosystem's format, an ordinary day
      --site FILE (default: a generated community)  --url URL  --speed X  --duration 10m  --seed N
      --interval S (every meter reports every S simulated seconds)  --quiet-day (no swipes, faults, dropouts)
      --state FILE (resume from FILE if it holds this site's state, save to it every 5 s and at the end:
                    registers, batteries, report phases and the clock carry on across runs)
  scenario NAME              run a shipped scenario (simulators/scenarios/NAME.yaml) on a site
      --site FILE (default: the scenario's own small community)  --url URL  --speed X  --drill  --seed N
  scenarios                  list the shipped scenarios
  drill-runner               play the console's drills (演练): the shipped scenarios, native, drill: true
      --site FILE (required: the site the server serves)  --url URL  --seed N
  load                       benchmark load: N native meters at a total rate, with latency probes
      --devices N  --rate R (messages/s)  --qos 0|1  --duration S (seconds)  --url URL  --site-id ID
      --probes P (probes/s, default 10)  --allow-remote (the URL may be another host than loopback)

Options for every command: --help, --url (default mqtt://127.0.0.1:1884, the embedded broker of npm start)
Speed: 1 is real time; 144 plays a day in 10 minutes. An accelerated run starts in the past and ends now,
so every timestamp is one the ingest keeps (never in the future).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string', default: '1' },
    'high-rises': { type: 'string', default: '3' },
    floors: { type: 'string', default: '18' },
    'multi-storeys': { type: 'string', default: '1' },
    villas: { type: 'string', default: '8' },
    shops: { type: 'string', default: '10' },
    'site-id': { type: 'string' },
    out: { type: 'string' },
    site: { type: 'string' },
    url: { type: 'string', default: 'mqtt://127.0.0.1:1884' },
    speed: { type: 'string' },
    duration: { type: 'string' },
    interval: { type: 'string' },
    'quiet-day': { type: 'boolean', default: false },
    state: { type: 'string' },
    drill: { type: 'boolean', default: false },
    devices: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '1000' },
    qos: { type: 'string', default: '1' },
    probes: { type: 'string', default: '10' },
    'allow-remote': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});

const number = (name: string, text: string | undefined): number => {
  const n = Number(text);
  if (text === undefined || !Number.isFinite(n)) throw new ScenarioError(`--${name} must be a number, not "${text}"`);
  return n;
};
const communityOptions = () => ({
  seed: number('seed', values.seed),
  highRises: number('high-rises', values['high-rises']),
  floors: number('floors', values.floors),
  multiStoreys: number('multi-storeys', values['multi-storeys']),
  villas: number('villas', values.villas),
  shops: number('shops', values.shops),
  ...(values['site-id'] ? { siteId: values['site-id'] } : {}),
});
const siteOf = async (fallback: () => SiteFile): Promise<SiteFile> => (values.site ? loadSiteFile(values.site) : fallback());
const time = (ts: number) => new Date(ts).toISOString().replace('T', ' ').slice(0, 19);
const showProgress = (p: RunProgress) => process.stdout.write(`\r  simulated ${time(p.simNow)}Z  published ${p.published}  failed ${p.failed}   `);
const showSummary = (s: RunSummary) => {
  console.log(`\n\nSummary: ${s.published} messages published (${s.failed} failed) in ${(s.wallMs / 1000).toFixed(1)} s of wall time`);
  console.log(`  simulated ${time(s.simStart)}Z → ${time(s.simNow)}Z`);
  console.log(
    `  by topic root: ${
      Object.entries(s.byTopicRoot)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
  );
  const events = Object.entries(s.events).sort((a, b) => b[1] - a[1]);
  if (events.length > 0) console.log(`  events: ${events.map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  for (const step of s.steps)
    console.log(`  step ${step.index} ${step.do} at ${time(step.at)}Z${step.unitId ? ` unit ${step.unitId}` : ''} devices ${step.deviceIds.join(', ')}`);
};

async function main(): Promise<number> {
  const command = positionals[0];
  if (values.help || command === undefined) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'generate-site': {
      const options = communityOptions();
      const text = generateCommunity(options);
      const site = parseSiteFile(text, values.out ?? 'generated');
      const devices = [...site.buildings, ...site.areas, ...site.units].reduce((n, h) => n + h.devices.length, 0);
      const meters = site.units.reduce((n, u) => n + u.devices.filter((d) => d.kind.endsWith('-meter')).length, 0);
      if (!values.out) {
        process.stdout.write(text);
        return 0;
      }
      writeFileSync(values.out, text);
      console.log(`wrote ${values.out}: ${site.buildings.length} buildings, ${site.units.length} units, ${meters} unit meters, ${devices} devices`);
      return 0;
    }
    case 'scenarios':
      for (const s of loadScenarios())
        console.log(`${s.name.padEnd(22)} ${s.title}  (${s.steps.length} steps, ${s.duration / 60_000} simulated min at speed ${s.speed})`);
      return 0;
    case 'play': {
      const site = await siteOf(() => generateCommunitySite(communityOptions()));
      const speed = number('speed', values.speed ?? '1');
      const wallDurationMs = values.duration ? parseDuration(values.duration) : undefined;
      console.log(
        `Playing ${site.site.name} (${site.site.id}) on ${values.url} at speed ${speed}${wallDurationMs ? ` for ${values.duration}` : ' until Ctrl-C'}`,
      );
      const statePath = values.state;
      const loaded = statePath === undefined ? undefined : await loadSimulatorState(statePath, { siteId: site.site.id });
      if (loaded !== undefined) console.log(loaded.state ? `  resuming from ${statePath}` : `  starting fresh: ${loaded.reason}`);
      const seed = number('seed', values.seed);
      const run = await startRun({
        site,
        connection: { url: values.url },
        seed,
        speed,
        wallDurationMs,
        ambient: !values['quiet-day'],
        meterIntervalSeconds: values.interval ? number('interval', values.interval) : undefined,
        onProgress: showProgress,
        resume: loaded?.state?.simulation,
      });
      const save = () =>
        statePath === undefined
          ? Promise.resolve()
          : saveSimulatorState(statePath, {
              version: SIMULATOR_STATE_VERSION,
              siteId: site.site.id,
              seed,
              savedAt: Date.now(),
              simulation: run.simulation.snapshot(),
            });
      let saving = Promise.resolve();
      const saver = setInterval(() => {
        saving = saving.then(save).catch((error: unknown) => console.error(`\n  could not save ${statePath}: ${(error as Error).message}`));
      }, 5000);
      process.once('SIGINT', () => void run.stop());
      const summary = await run.finished;
      clearInterval(saver);
      await saving;
      await save();
      showSummary(summary);
      if (statePath !== undefined) console.log(`  state saved to ${statePath}`);
      return 0;
    }
    case 'scenario': {
      const scenario = findScenario(positionals[1] ?? '');
      const site = await siteOf(() => generateCommunitySite({ ...scenario.community, siteId: values['site-id'] ?? 'demo' }));
      const speed = values.speed ? number('speed', values.speed) : scenario.speed;
      const wallDurationMs = scenario.duration / speed;
      console.log(`Scenario ${scenario.name}: ${scenario.title}`);
      console.log(
        `  on ${site.site.id} via ${values.url}, speed ${speed}: ${scenario.duration / 60_000} simulated min in ${(wallDurationMs / 1000).toFixed(0)} s${values.drill ? ', as a drill (演练)' : ''}`,
      );
      const run = await startRun({
        site,
        connection: { url: values.url },
        seed: number('seed', values.seed),
        speed,
        wallDurationMs,
        scenario,
        drill: values.drill,
        ambient: false,
        onProgress: showProgress,
      });
      process.once('SIGINT', () => void run.stop());
      showSummary(await run.finished);
      if (scenario.expect.anomalies.length > 0) console.log(`  expected anomalies: ${scenario.expect.anomalies.map((a) => a.rule).join(', ')}`);
      return 0;
    }
    case 'drill-runner': {
      if (!values.site) throw new ScenarioError('drill-runner needs --site FILE: the site file the server serves');
      const site = await loadSiteFile(values.site);
      const runner = await startDrillRunner({
        site,
        connection: { url: values.url },
        seed: values.seed === '1' ? undefined : number('seed', values.seed),
        onEvent: (s) =>
          console.log(
            `  drill ${s.drillId} ${s.scenario}: ${s.state}, ${s.published} published${s.failed > 0 ? `, ${s.failed} failed` : ''}${s.error ? ` — ${s.error}` : ''}`,
          ),
      });
      console.log(`Drill runner for ${site.site.id} on ${values.url}: ${runner.catalog.scenarios.map((x) => x.name).join(', ') || 'no playable scenario'}`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await runner.stop();
      return 0;
    }
    case 'load': {
      const qos = number('qos', values.qos);
      const summary = await runLoad({
        url: values.url,
        siteId: values['site-id'] ?? 'load',
        devices: number('devices', values.devices),
        ratePerSecond: number('rate', values.rate),
        qos: qos as 0 | 1,
        durationSeconds: number('duration', values.duration ?? '10'),
        probesPerSecond: number('probes', values.probes),
        allowRemote: values['allow-remote'],
        onProgress: (p) =>
          process.stdout.write(`\r  ${(p.elapsedMs / 1000).toFixed(0)} s  sent ${p.sent}  acknowledged ${p.acknowledged}  failed ${p.failed}   `),
      });
      const p = summary.probes;
      console.log(
        `\n\nSummary: sent ${summary.sent} (${summary.achievedRatePerSecond}/s), acknowledged ${summary.acknowledged}, failed ${summary.failed}, throttled ticks ${summary.throttled}`,
      );
      console.log(
        `  broker round trip: ${p.received}/${p.sent} probes, p50 ${p.p50Ms.toFixed(1)} ms, p95 ${p.p95Ms.toFixed(1)} ms, p99 ${p.p99Ms.toFixed(1)} ms, max ${p.maxMs.toFixed(1)} ms`,
      );
      return summary.failed > 0 ? 1 : 0;
    }
    default:
      console.error(`unknown command "${command}"\n`);
      console.log(usage);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known =
      error instanceof ScenarioError || error instanceof LoadOptionsError || error instanceof RangeError || (error as Error).name === 'SiteFileError';
    console.error(`\nsim: ${known ? (error as Error).message : (error as Error).stack}`);
    process.exit(1);
  },
);
