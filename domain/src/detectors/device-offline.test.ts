import { describe, expect, it } from 'vitest';
import type { DeviceContext } from '../site/site-index.ts';
import { deviceOffline as sut } from './device-offline.ts';
import { gatewayOffline } from './gateway-offline.ts';
import { areaDevice, MIN, play, SEC, type Step, T0, unitDevice } from './testing.ts';

const config = sut.configSchema.parse({});
const meter = unitDevice('water-meter', { device: { heartbeatSeconds: 300, gateway: 'gw-3' } });
const heartbeat = { kind: 'heartbeat' } as const;
const status = (online: boolean) => ({ kind: 'status', online }) as const;
const total = (value: number) => ({ kind: 'water.total', value }) as const;
const R = 'raise device-offline water-meter-3-1-1202 P3';
const C = 'clear device-offline water-meter-3-1-1202 closes';

describe(sut.id, () => {
  it.each<[string, DeviceContext, Step[], string[]]>([
    [
      'SPEC §5 设备离线: three missed heartbeats (3 × 300 s) raise P3 at the tick',
      meter,
      [
        [T0, heartbeat],
        [T0 + 14 * MIN, 'tick'],
        [T0 + 15 * MIN, 'tick'],
        [T0 + 30 * MIN, 'tick'],
      ],
      ['-', '-', R, '-'],
    ],
    [
      'every reading is a sign of life: the deadline moves with it',
      meter,
      [
        [T0, heartbeat],
        [T0 + 10 * MIN, total(100)],
        [T0 + 15 * MIN, 'tick'],
        [T0 + 25 * MIN, 'tick'],
      ],
      ['-', '-', '-', R],
    ],
    [
      'the last will (status offline) raises at once; back online clears and closes the order',
      meter,
      [
        [T0, status(false)],
        [T0 + MIN, status(true)],
      ],
      [R, C],
    ],
    [
      'any reading after the offline raise clears it',
      meter,
      [
        [T0, heartbeat],
        [T0 + 15 * MIN, 'tick'],
        [T0 + 16 * MIN, total(100)],
      ],
      ['-', R, C],
    ],
    [
      'a late "offline" older than the last sign of life is old news',
      meter,
      [
        [T0 + MIN, heartbeat],
        [T0, status(false)],
      ],
      ['-', '-'],
    ],
    [
      'a device without heartbeatSeconds is judged by its last will only',
      unitDevice('leak-sensor'),
      [
        [T0, heartbeat],
        [T0 + 48 * 60 * MIN, 'tick'],
        [T0 + 49 * 60 * MIN, status(false)],
      ],
      ['-', '-', 'raise device-offline leak-sensor-3-1-1202 P3'],
    ],
    ['gateways are gateway-offline’s, not this rule’s', areaDevice('gateway', 'gw-3', { heartbeatSeconds: 60 }), [[T0, status(false)]], ['-']],
  ])('%s', (_title, device, steps, expected) => {
    expect(play(sut, config, device, steps).lines).toEqual(expected);
  });

  it('missedHeartbeats and a default interval are configurable', () => {
    const site = sut.configSchema.parse({ missedHeartbeats: 2, defaultHeartbeatSeconds: 60 });
    expect(
      play(sut, site, unitDevice('leak-sensor'), [
        [T0, heartbeat],
        [T0 + 120 * SEC, 'tick'],
      ]).lines,
    ).toEqual(['-', 'raise device-offline leak-sensor-3-1-1202 P3']);
  });

  it('evidence says why and since when', () => {
    const { events } = play(sut, config, meter, [
      [T0, heartbeat],
      [T0 + 20 * MIN, 'tick'],
    ]);
    expect(events[1]?.[0]).toMatchObject({ evidence: { reason: 'missed-heartbeats', heartbeatSeconds: 300, silentSeconds: 1200, lastSeenTs: T0 } });
  });
});

describe(gatewayOffline.id, () => {
  const gateway = areaDevice('gateway', 'gw-3', { heartbeatSeconds: 60 });
  it('网关离线: one P2 per gateway, by last will or three missed heartbeats; back online closes it', () => {
    expect(
      play(gatewayOffline, config, gateway, [
        [T0, heartbeat],
        [T0 + 3 * MIN, 'tick'],
        [T0 + 4 * MIN, status(true)],
        [T0 + 5 * MIN, status(false)],
      ]).lines,
    ).toEqual(['-', 'raise gateway-offline gw-3 P2', 'clear gateway-offline gw-3 closes', 'raise gateway-offline gw-3 P2']);
  });

  it('ignores the devices behind it', () => {
    expect(play(gatewayOffline, config, meter, [[T0, status(false)]]).lines).toEqual(['-']);
  });
});
