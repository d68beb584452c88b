import { type DeviceChannel, type DrillScenario, type DrillStarted, type SiteFile, topics, type UserDto } from '@dutyroom/domain';
import { connectMqtt, type MqttConnection, type Queryable, waitForConnect } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import type { TelemetryReader } from '../telemetry/telemetry-reader.ts';
import { requireSiteAccess } from './access.ts';
import { ServiceError } from './errors.ts';

/** Who may start a drill (the trainer's role comes with accounts; supervisors and admins meanwhile). */
const DRILL_ROLES = new Set(['admin', 'supervisor', 'manager', 'trainer']);

export interface DrillDeps {
  readonly db: Queryable;
  readonly site: SiteFile;
  readonly mqtt: MqttConnection;
  readonly telemetry: TelemetryReader;
  readonly now: () => number;
}

/**
 * Drill mode (演练, SPEC §8): publishes a scenario's device messages over MQTT exactly as the
 * devices would, each with `drill: true`, so the whole walk runs (ingest, detectors, work order,
 * wall, alarm) and everything it produces is labelled 演练 and pages no one outside the site.
 */
export function createDrillService(deps: DrillDeps) {
  const siteId = deps.site.site.id;
  const devices = [
    ...deps.site.buildings.flatMap((b) => b.devices.map((d) => ({ device: d, unit: undefined as SiteFile['units'][number] | undefined }))),
    ...deps.site.units.flatMap((u) => u.devices.map((d) => ({ device: d, unit: u }))),
  ];

  const pick = (scenario: DrillScenario) => {
    switch (scenario) {
      case 'vacant-unit-water':
        return devices.find((d) => d.device.kind === 'water-meter' && d.unit?.occupancy.status === 'vacant');
      case 'leak':
        return devices.find((d) => d.device.kind === 'leak-sensor');
      case 'fire-alarm':
        return devices.find((d) => d.device.kind === 'smoke-detector' || d.device.kind === 'fire-panel');
      case 'gas-alarm':
        return devices.find((d) => d.device.kind === 'gas-detector');
    }
  };

  const messages = async (scenario: DrillScenario, deviceId: string, now: number): Promise<[DeviceChannel, object][]> => {
    switch (scenario) {
      case 'vacant-unit-water': {
        // Continue from the meter's last total, so the drill is not mistaken for a meter reset.
        const last = (await deps.telemetry.recent(siteId, [deviceId], 1))[0]?.value ?? 0;
        return [
          ['reading', { ts: now - 60_000, total: last, unit: 'm3', drill: true }],
          ['reading', { ts: now, total: Math.round((last + 0.03) * 1000) / 1000, unit: 'm3', drill: true }],
        ];
      }
      case 'leak':
        return [['leak', { ts: now, event: 'wet', drill: true }]];
      case 'fire-alarm':
        return [['fire', { ts: now, event: 'alarm', drill: true }]];
      case 'gas-alarm':
        return [['gas', { ts: now, event: 'alarm', drill: true }]];
    }
  };

  return {
    async start(user: UserDto | undefined, scenario: DrillScenario): Promise<DrillStarted> {
      const actor = requireSiteAccess(user, siteId);
      if (!DRILL_ROLES.has(actor.role)) throw new ServiceError('FORBIDDEN', 'this role may not start drills');
      const target = pick(scenario);
      if (target === undefined) throw new ServiceError('NOT_FOUND', `this site has no device for the ${scenario} drill`);
      const now = deps.now();
      const batch = await messages(scenario, target.device.id, now);
      await audit(deps.db, {
        actor: actor.displayName,
        action: 'drill.start',
        subjectType: 'drill',
        subjectId: scenario,
        detail: { siteId, deviceId: target.device.id, messages: batch.length },
      });
      const client = connectMqtt(deps.mqtt, { clientId: `dutyroom-drill-${siteId}-${now}`, clean: true });
      try {
        await waitForConnect(client);
        for (const [channel, payload] of batch)
          await client.publishAsync(topics.deviceMessage(siteId, target.device.id, channel), JSON.stringify(payload), { qos: 1 });
      } finally {
        await client.endAsync();
      }
      return { scenario, deviceId: target.device.id, unitId: target.unit?.id ?? null, messages: batch.length };
    },
  };
}

export type DrillService = ReturnType<typeof createDrillService>;
