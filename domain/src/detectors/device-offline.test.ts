import { describe, expect, it } from 'vitest';
import type { DeviceContext } from '../site/site-index.ts';
import { deviceOffline as sut } from './device-offline.ts';
import { gatewayOffline } from './gateway-offline.ts';
import type { LivenessState } from './liveness.ts';
import { areaDevice, HOUR, MIN, play, SEC, type Step, T0, unitDevice } from './testing.ts';

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

/** After a restart of the ingest (docs/ingest.md § Timers and restarts): only silence the ingest could hear counts. */
describe('resume after a restart of the ingest', () => {
  const window = 15 * MIN; // 3 × 300 s
  const resume = (state: LivenessState, at: { startedAt: number; listeningUntil: number; lastReadingTs?: number }, device = meter) => {
    sut.resume?.(state, { config, device, lastReadingTs: 0, ...at });
    return state;
  };

  it.each<[string, LivenessState, { startedAt: number; listeningUntil: number; lastReadingTs?: number }, Partial<LivenessState>]>([
    [
      'a short restart (1 min down) moves the deadline by the time the ingest was down',
      { seen: T0, dueAt: T0 + window, offline: false },
      { listeningUntil: T0 + 2 * MIN, startedAt: T0 + 3 * MIN },
      { seen: T0, dueAt: T0 + window + MIN },
    ],
    [
      'down longer than the window: a device heard just before the stop gets a whole window after the start',
      { seen: T0, dueAt: T0 + window, offline: false },
      { listeningUntil: T0, startedAt: T0 + 60 * MIN },
      { dueAt: T0 + 60 * MIN + window },
    ],
    [
      'silence that began before the stop still counts: 10 min heard before the stop leave 5 after the start',
      { seen: T0, dueAt: T0 + window, offline: false },
      { listeningUntil: T0 + 10 * MIN, startedAt: T0 + 70 * MIN },
      { dueAt: T0 + 75 * MIN },
    ],
    [
      'silence is measured from the newest stored reading when the snapshot is older (a crash)',
      { seen: T0, dueAt: T0 + window, offline: false },
      { listeningUntil: T0 + 20 * MIN, startedAt: T0 + 21 * MIN, lastReadingTs: T0 + 20 * MIN },
      { seen: T0 + 20 * MIN, dueAt: T0 + 21 * MIN + window },
    ],
    [
      'a stale snapshot never makes a device overdue on the first tick: at least one heartbeat after the start',
      { seen: T0, dueAt: T0 + window, offline: false },
      { listeningUntil: T0 + 60 * MIN, startedAt: T0 + 61 * MIN },
      { dueAt: T0 + 66 * MIN },
    ],
    [
      'a device already offline stays offline (its anomaly is open; its next reading clears it)',
      { seen: T0, dueAt: 0, offline: true },
      { listeningUntil: T0 + 60 * MIN, startedAt: T0 + 61 * MIN },
      { offline: true, dueAt: 0 },
    ],
    [
      'a device without a snapshot but with a stored reading gets a deadline from that reading',
      { seen: 0, dueAt: 0, offline: false },
      { listeningUntil: T0 + MIN, startedAt: T0 + 2 * MIN, lastReadingTs: T0 },
      { seen: T0, dueAt: T0 + window + MIN },
    ],
  ])('%s', (_title, state, at, expected) => {
    expect(resume(state, at)).toMatchObject(expected);
  });

  it('a device without heartbeatSeconds keeps no deadline; a gateway is not this rule’s', () => {
    expect(resume({ seen: T0, dueAt: 0, offline: false }, { listeningUntil: T0, startedAt: T0 + HOUR }, unitDevice('leak-sensor'))).toEqual({
      seen: T0,
      dueAt: 0,
      offline: false,
    });
    const gateway = areaDevice('gateway', 'gw-3', { heartbeatSeconds: 60 });
    expect(resume({ seen: T0, dueAt: T0 + 3 * MIN, offline: false }, { listeningUntil: T0, startedAt: T0 + HOUR }, gateway)).toEqual({
      seen: T0,
      dueAt: T0 + 3 * MIN,
      offline: false,
    });
  });

  it('played through: a restart longer than the window raises nothing while the device reports within a window after it', () => {
    const state: LivenessState = { seen: 0, dueAt: 0, offline: false };
    sut.onReading(
      state,
      { siteId: 'demo', deviceId: meter.device.id, ts: T0, deviceTs: T0, receivedAt: T0, drill: false, idempotencyKey: 'a', kind: 'heartbeat' },
      { config, device: meter, now: T0 },
    );
    resume(state, { listeningUntil: T0, startedAt: T0 + 2 * HOUR });
    expect(sut.onTick?.(state, { config, device: meter, now: T0 + 2 * HOUR + 14 * MIN })).toEqual([]);
    expect(sut.wakeAt?.(state)).toBe(T0 + 2 * HOUR + window);
  });
});
