import { describe, expect, it } from 'vitest';
import { isLifeSafetyRule } from '../detectors/rule-ids.ts';
import type { DeviceContext } from '../site/site-index.ts';
import type { DeviceKind } from '../site/site-schema.ts';
import {
  decideIncident,
  defaultIncidentPolicy,
  fewestToGroup,
  type IncidentInput,
  type IncidentMember,
  type IncidentScope,
  incidentCause,
  incidentDedupKey,
  incidentMember,
  incidentSubject,
  type OpenIncident,
  parseScope,
  scopeText,
  watchedDevices,
} from './incident-grouping.ts';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);
const S = 1000;
const policy = defaultIncidentPolicy;

const meter = (n: number, at: number, building = '1', gateway: string | undefined = undefined, kind: DeviceKind = 'water-meter'): IncidentMember => ({
  id: `a${n}`,
  deviceId: `wm-${building}-${n}`,
  deviceKind: kind,
  buildingId: building,
  gatewayId: gateway,
  openedAt: at,
});
/** n members, one a second apart, the last one being the member that just opened. */
const burst = (n: number, make: (i: number) => IncidentMember) => Array.from({ length: n }, (_, i) => make(i));
/** 50 water meters per building, 25 behind each gateway, unless a test says otherwise. */
const watched = (scope: IncidentScope) => (scope.kind === 'site' ? 500 : scope.kind === 'building' ? 50 : 25);
const input = (unassigned: IncidentMember[], extra: Partial<IncidentInput> = {}): IncidentInput => ({
  rule: 'counter-backwards',
  member: unassigned.at(-1) as IncidentMember,
  unassigned,
  incidents: [],
  watched,
  ...extra,
});
const incident = (id: string, scope: IncidentScope, lastAt: number, members = 12, cause: OpenIncident['cause'] = 'mass'): OpenIncident => ({
  id,
  scope,
  cause,
  members,
  lastAt,
});

describe(decideIncident.name, () => {
  it('rule 1: the incident rule itself is never grouped', () => {
    const members = burst(12, (i) => meter(i, T0 + i * S));
    expect(decideIncident(input(members, { rule: 'incident' }), policy)).toEqual({ kind: 'alone' });
  });

  it('rule 1: a rule listed in neverGrouped stands alone however many open', () => {
    const members = burst(12, (i) => meter(i, T0 + i * S));
    expect(decideIncident(input(members, { rule: 'low-battery' }), { ...policy, neverGrouped: ['low-battery'] })).toEqual({ kind: 'alone' });
  });

  it('rule 2: an open of the rule inside an open incident’s scope joins it, with the other unassigned opens there', () => {
    const members = [meter(1, T0, '2'), meter(2, T0 + S, '1'), meter(3, T0 + 2 * S, '1')];
    const decision = decideIncident(input(members, { incidents: [incident('i1', { kind: 'building', id: '1' }, T0 - 600 * S)] }), policy);
    expect(decision).toMatchObject({ kind: 'join', incidentId: 'i1', widenTo: undefined, cause: 'mass' });
    expect(decision.kind === 'join' && decision.members.map((m) => m.id)).toEqual(['a2', 'a3']);
  });

  it('rule 2: a site-wide incident takes every later open of its rule, however long it has been open', () => {
    const decision = decideIncident(input([meter(1, T0 + 3600 * S, '9')], { incidents: [incident('i1', { kind: 'site' }, T0)] }), policy);
    expect(decision).toMatchObject({ kind: 'join', incidentId: 'i1', widenTo: undefined });
  });

  it('rule 2: of two covering incidents the larger one takes the member', () => {
    const incidents = [incident('small', { kind: 'gateway', id: 'dtu-1' }, T0, 3), incident('big', { kind: 'building', id: '1' }, T0, 40)];
    expect(decideIncident(input([meter(1, T0, '1', 'dtu-1')], { incidents }), policy)).toMatchObject({ kind: 'join', incidentId: 'big' });
  });

  it('rule 3: an event that spreads to another building while its incident is active widens that incident to the site', () => {
    const decision = decideIncident(input([meter(1, T0 + 30 * S, '2')], { incidents: [incident('i1', { kind: 'building', id: '1' }, T0)] }), policy);
    expect(decision).toMatchObject({ kind: 'join', incidentId: 'i1', widenTo: { kind: 'site' }, cause: 'mass' });
  });

  it('rule 3: a gateway incident that spreads beyond the gateway is no longer caused by it', () => {
    const decision = decideIncident(
      input([meter(1, T0 + 30 * S, '1', 'dtu-2')], { incidents: [incident('i1', { kind: 'gateway', id: 'dtu-1' }, T0, 5, 'gateway')] }),
      policy,
    );
    expect(decision).toMatchObject({ kind: 'join', widenTo: { kind: 'site' }, cause: 'mass' });
  });

  it('rule 3: an incident whose last member opened longer than the window ago does not take an open elsewhere', () => {
    const decision = decideIncident(input([meter(1, T0 + 61 * S, '2')], { incidents: [incident('i1', { kind: 'building', id: '1' }, T0)] }), policy);
    expect(decision).toEqual({ kind: 'alone' });
  });

  it('rule 4: ten devices raising the same rule within 60 s across the site form a site-wide incident', () => {
    const members = burst(10, (i) => meter(i, T0 + i * 5 * S, String(i)));
    const decision = decideIncident(input(members), policy);
    expect(decision).toMatchObject({ kind: 'form', scope: { kind: 'site' }, cause: 'mass' });
    expect(decision.kind === 'form' && decision.members).toHaveLength(10);
  });

  it('rule 4: nine devices across nine buildings are not an incident', () => {
    expect(decideIncident(input(burst(9, (i) => meter(i, T0 + i * S, String(i)))), policy)).toEqual({ kind: 'alone' });
  });

  it('rule 4: opens further apart than the window do not count together', () => {
    const members = burst(10, (i) => meter(i, T0 + i * 7 * S, String(i))); // 63 s from first to last
    expect(decideIncident(input(members), policy)).toEqual({ kind: 'alone' });
  });

  it('rule 4: devices count once however many anomalies of the rule they have', () => {
    const members = burst(12, (i) => ({ ...meter(i, T0 + i * S, String(i)), deviceId: `wm-${i % 5}` }));
    expect(decideIncident(input(members), policy)).toEqual({ kind: 'alone' });
  });

  it('rule 5: a fifth of the meters behind one gateway (at least three) form a gateway incident, caused by the gateway', () => {
    const members = burst(5, (i) => meter(i, T0 + i * S, '1', 'dtu-1'));
    expect(decideIncident(input(members), policy)).toMatchObject({ kind: 'form', scope: { kind: 'gateway', id: 'dtu-1' }, cause: 'gateway' });
  });

  it('rule 5: fewer than a fifth behind the gateway is not a gateway incident', () => {
    const members = burst(4, (i) => meter(i, T0 + i * S, String(i % 2), 'dtu-1'));
    expect(decideIncident(input(members), policy)).toEqual({ kind: 'alone' });
  });

  it('rule 6: a fifth of a building’s meters form a building incident', () => {
    const members = burst(10, (i) => meter(i, T0 + i * S, '1', `dtu-${i}`)).slice(0, 10);
    const some = members.slice(0, 9); // nine: below the site threshold, above 20 % of 40
    expect(decideIncident(input(some, { watched: (s) => (s.kind === 'building' ? 40 : 25) }), policy)).toMatchObject({
      kind: 'form',
      scope: { kind: 'building', id: '1' },
      cause: 'mass',
    });
  });

  it('rule 6: at least three devices even in a small building (20 % of 5 is one)', () => {
    const small = (s: IncidentScope) => (s.kind === 'building' ? 5 : 100);
    expect(
      decideIncident(
        input(
          burst(2, (i) => meter(i, T0 + i * S)),
          { watched: small },
        ),
        policy,
      ),
    ).toEqual({ kind: 'alone' });
    expect(
      decideIncident(
        input(
          burst(3, (i) => meter(i, T0 + i * S)),
          { watched: small },
        ),
        policy,
      ),
    ).toMatchObject({
      kind: 'form',
      scope: { kind: 'building', id: '1' },
    });
  });

  it('rule 6: the share is of the devices the rule watches, counted by the kinds that raised it', () => {
    const seen: string[] = [];
    const decision = decideIncident(
      input(
        burst(3, (i) => meter(i, T0 + i * S, '1', undefined, 'electricity-meter')),
        {
          watched: (scope, kinds) => {
            seen.push(`${scopeText(scope)}:${[...kinds].join(',')}`);
            return 100;
          },
        },
      ),
      policy,
    );
    expect(decision).toEqual({ kind: 'alone' }); // 3 of 100 electricity meters
    expect(seen).toEqual(['building:1:electricity-meter']);
  });

  it('rule 7: a lone open stands alone', () => {
    expect(decideIncident(input([meter(1, T0)]), policy)).toEqual({ kind: 'alone' });
  });

  it('life safety forms an incident like any rule (its members stay on the wall: the server and console read isLifeSafetyRule)', () => {
    const zones = burst(12, (i) => ({ ...meter(i, T0 + i * S, String(i)), deviceId: `sd-${i}`, deviceKind: 'smoke-detector' as const }));
    expect(decideIncident(input(zones, { rule: 'fire-alarm' }), policy)).toMatchObject({ kind: 'form', scope: { kind: 'site' } });
    expect(['fire-alarm', 'fire-confirmed', 'gas-alarm', 'leak', 'burst'].every(isLifeSafetyRule)).toBe(true);
    expect(isLifeSafetyRule('counter-backwards')).toBe(false);
  });

  it('the thresholds are configurable', () => {
    const members = burst(4, (i) => meter(i, T0 + i * S, String(i)));
    expect(decideIncident(input(members), { ...policy, siteMinDevices: 4 })).toMatchObject({ kind: 'form', scope: { kind: 'site' } });
    expect(decideIncident(input(burst(4, (i) => meter(i, T0 + i * 20 * S, String(i)))), { ...policy, siteMinDevices: 4, windowSeconds: 30 })).toEqual({
      kind: 'alone',
    });
  });

  it('below the fewest that can group, nobody needs to ask the database', () => {
    expect(fewestToGroup(policy)).toBe(3);
    expect(fewestToGroup({ ...policy, siteMinDevices: 2 })).toBe(2);
  });
});

describe(incidentCause.name, () => {
  const members = [meter(1, T0, '1', 'dtu-1'), meter(2, T0 + 10 * S, '1', 'dtu-1')];
  const window = 60 * S;
  it.each<[string, Pick<IncidentInput, 'clockJumpAt' | 'siteRevisionAt'>, IncidentMember[], string]>([
    ['time-jump: the reading clock jumped within a window before the first member', { clockJumpAt: T0 - 30 * S }, members, 'time-jump'],
    ['time-jump before site-revision when both were seen', { clockJumpAt: T0, siteRevisionAt: T0 }, members, 'time-jump'],
    ['site-revision: opened within the window after a revision was applied', { siteRevisionAt: T0 - 59 * S }, members, 'site-revision'],
    ['a revision long before the opens is not the cause', { siteRevisionAt: T0 - 61 * S }, members, 'gateway'],
    ['a revision after the last member is not the cause', { siteRevisionAt: T0 + 11 * S }, members, 'gateway'],
    ['gateway: every member behind one gateway', {}, members, 'gateway'],
    ['mass: members behind two gateways', {}, [...members, meter(3, T0, '1', 'dtu-2')], 'mass'],
    ['mass: members behind no gateway', {}, [meter(1, T0), meter(2, T0)], 'mass'],
  ])('%s', (_title, seen, list, expected) => {
    expect(incidentCause(list, window, seen)).toBe(expected);
  });
});

describe('incident names', () => {
  it('keys one open incident per site, rule, scope and drill flag: drills group apart', () => {
    expect(incidentDedupKey('demo', 'counter-backwards', { kind: 'site' }, false)).toBe('demo:incident:counter-backwards:site');
    expect(incidentDedupKey('demo', 'leak', { kind: 'building', id: '3' }, true)).toBe('demo:incident:leak:building:3#drill');
    expect(incidentSubject('device-offline', { kind: 'gateway', id: 'dtu-3' })).toBe('device-offline@gateway:dtu-3');
  });

  it.each(['site', 'building:3', 'gateway:dtu-3', 'building:a:b'])('parses back %s', (text) => {
    const scope = parseScope(text);
    expect(scope && scopeText(scope)).toBe(text);
  });

  it.each(['', 'unit:1', 'building:', ':x'])('rejects %j', (text) => {
    expect(parseScope(text)).toBeUndefined();
  });
});

describe(watchedDevices.name, () => {
  const device = (id: string, kind: DeviceKind, buildingId: string, gateway?: string): DeviceContext => ({
    siteId: 'demo',
    device: { id, kind, ...(gateway === undefined ? {} : { gateway }) },
    kind,
    unit: undefined,
    areaId: undefined,
    buildingId,
    gridId: 'g',
  });
  const devices = [
    device('dtu-1', 'gateway', '1'),
    device('wm-1', 'water-meter', '1', 'dtu-1'),
    device('wm-2', 'water-meter', '1', 'dtu-1'),
    device('em-1', 'electricity-meter', '1', 'dtu-1'),
    device('wm-3', 'water-meter', '2'),
  ];
  const water = new Set<DeviceKind>(['water-meter']);
  it.each<[IncidentScope, number]>([
    [{ kind: 'site' }, 3],
    [{ kind: 'building', id: '1' }, 2],
    [{ kind: 'gateway', id: 'dtu-1' }, 2],
    [{ kind: 'gateway', id: 'dtu-9' }, 0],
  ])('counts the water meters in %j', (scope, expected) => {
    expect(watchedDevices(devices, scope, water)).toBe(expected);
  });

  it('a member knows its building and gateway from the site; the gateway is not behind itself', () => {
    expect(incidentMember('7', devices[1], 'wm-1', T0)).toEqual({
      id: '7',
      deviceId: 'wm-1',
      deviceKind: 'water-meter',
      buildingId: '1',
      gatewayId: 'dtu-1',
      openedAt: T0,
    });
    expect(incidentMember('8', devices[0], 'dtu-1', T0).gatewayId).toBeUndefined();
  });
});
