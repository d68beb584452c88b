import { fileURLToPath } from 'node:url';
import { parseTopic } from '@dutyroom/domain';
import { loadSiteFile } from '@dutyroom/platform';
import { describe, expect, it } from 'vitest';
import { generateCommunitySite } from './community.ts';
import { catalogEntry, prepareDrill } from './drill-runner-play.ts';
import { loadScenarios, parseScenario } from './scenario.ts';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);

describe('a drill plays a shipped scenario', () => {
  const scenarios = loadScenarios();

  it.each(scenarios.map((s) => [s.name, s] as const))('%s: every message native with drill: true, only the devices the steps touch', (_name, scenario) => {
    const site = generateCommunitySite({ ...scenario.community, siteId: 'dr' });
    const { simulation, simStart, involved } = prepareDrill(site, scenario, 1, T0);
    const emitted = simulation.advanceTo(simStart + scenario.duration).filter((e) => involved.has(e.deviceId));
    expect(emitted.length).toBeGreaterThan(0);
    for (const { deviceId, message } of emitted) {
      const topic = parseTopic(message.topic);
      expect(topic).toMatchObject({ kind: 'device', siteId: 'dr', deviceId });
      expect(JSON.parse(message.payload)).toMatchObject({ drill: true });
    }
    // Ambient is off and the rest of the site is silent: nothing comes from outside the scenario.
    expect(new Set(emitted.map((e) => e.deviceId)).size).toBeLessThanOrEqual(involved.size);
  });

  it('sends vendor-format devices (Zigbee2MQTT smoke detectors) native in a drill, never in their own format', async () => {
    const site = await loadSiteFile(fileURLToPath(new URL('../../sites/demo.yaml', import.meta.url)));
    const scenario = parseScenario(
      `
name: z2m-fire
title: two Zigbee smoke detectors
speed: 60
duration: 5m
steps:
  - { at: 1m, do: fire-alarm, zone: V-Z1, detectors: 2, every: 1m }
expect: { anomalies: [{ rule: fire-alarm, severity: P1 }] }
`,
      'z2m.yaml',
    );
    const { simulation, simStart, steps, involved } = prepareDrill(site, scenario, 1, T0);
    const detectors = steps[0]?.deviceIds ?? [];
    const ecosystems = site.areas.flatMap((a) => a.devices).concat(site.buildings.flatMap((b) => b.devices));
    // The point of the test: the detectors' own ecosystem is not native.
    expect(detectors.map((id) => ecosystems.find((d) => d.id === id)?.source?.ecosystem)).toEqual(['zigbee2mqtt', 'zigbee2mqtt']);
    const alarms = simulation
      .advanceTo(simStart + scenario.duration)
      .filter((e) => involved.has(e.deviceId) && e.message.topic.endsWith('/fire'))
      .map((e) => [e.message.topic, JSON.parse(e.message.payload).event, JSON.parse(e.message.payload).drill]);
    expect(alarms).toEqual(detectors.map((id) => [`dutyroom/v1/demo/devices/${id}/fire`, 'alarm', true]));
  });

  it('leaves out of the catalog a scenario the site cannot play', () => {
    const scenario = scenarios.find((s) => s.name === 'fire-alarm-zone');
    if (scenario === undefined) throw new Error('fire-alarm-zone is shipped');
    const noDetectors = generateCommunitySite({ ...scenario.community, siteId: 'nd' });
    const stripped = { ...noDetectors, units: [], areas: [], buildings: noDetectors.buildings.map((b) => ({ ...b, devices: [] })) };
    expect(catalogEntry(stripped, scenario, T0)).toBeUndefined();
    expect(catalogEntry(noDetectors, scenario, T0)).toMatchObject({ name: 'fire-alarm-zone', simulatedMinutes: 10, wallSeconds: 10 });
  });
});
