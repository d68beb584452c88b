import type { AnomalyDto, WorkOrderDto } from '@dutyroom/domain';
import { describe, expect, it } from 'vitest';
import { incidentSummary, membersPerMinute, parseScope, soundingOrders, stewardItems, wallCounts, wallRows } from '../../console/src/lib/stores/wall-rows.ts';

/** The console's folding of incidents (issue 14): one row, one count, one alarm; life safety never hidden. */

const T = Date.parse('2026-03-10T10:00:00+08:00');
let next = 1;

function anomaly(o: Partial<AnomalyDto> & { rule: string }): AnomalyDto {
  const id = o.id ?? String(next++);
  return {
    id,
    siteId: 's',
    title: { zh: o.rule, en: o.rule },
    subject: o.unitId ?? `dev-${id}`,
    unitId: null,
    deviceId: `dev-${id}`,
    severity: 'P3',
    status: 'open',
    openedAt: T,
    lastSeenAt: T,
    readingTs: T,
    count: 1,
    evidence: {},
    drill: false,
    version: 1,
    clearClosesWorkOrder: null,
    incidentId: null,
    splitAt: null,
    ...o,
  };
}

function incidentOf(memberRule: string, n: number, severity: AnomalyDto['severity'] = 'P3') {
  const incident = anomaly({
    rule: 'incident',
    subject: `${memberRule}@building:1`,
    severity,
    deviceId: null,
    evidence: { memberRule, scope: 'building:1', cause: 'mass', members: n, open: n, firstAt: T, lastAt: T + 11_000 },
  });
  const members = Array.from({ length: n }, (_, i) => anomaly({ rule: memberRule, severity, incidentId: incident.id, openedAt: T + i * 1000 }));
  return { incident, members };
}

const order = (anomalyId: string, severity: WorkOrderDto['severity']) => ({ id: `wo-${anomalyId}`, anomalyId, severity, acknowledgedAt: null }) as WorkOrderDto;

describe('wall rows', () => {
  it('shows an incident as one row and hides its members', () => {
    const { incident, members } = incidentOf('counter-backwards', 12);
    const alone = anomaly({ rule: 'vacant-unit-water', severity: 'P2' });
    const rows = wallRows([incident, ...members, alone]);
    expect(rows.map((a) => a.id)).toEqual([incident.id, alone.id]);
  });

  it('keeps life-safety members as rows of their own, and the incident too', () => {
    const { incident, members } = incidentOf('fire-alarm', 3, 'P1');
    expect(wallRows([incident, ...members]).map((a) => a.id)).toEqual([incident.id, ...members.map((m) => m.id)]);
    for (const rule of ['fire-confirmed', 'gas-alarm', 'leak', 'burst']) {
      const group = incidentOf(rule, 2, 'P1');
      expect(wallRows([group.incident, ...group.members])).toHaveLength(3);
    }
  });

  it('shows a split member as its own row', () => {
    const { incident, members } = incidentOf('counter-backwards', 12);
    const split = { ...(members[4] as AnomalyDto), splitAt: T + 60_000, version: 2 };
    const rows = wallRows([incident, ...members.map((m) => (m.id === split.id ? split : m))]);
    expect(rows.map((a) => a.id)).toEqual([incident.id, split.id]);
  });

  it('never hides a member whose incident the wall does not hold (not arrived yet)', () => {
    const { members } = incidentOf('counter-backwards', 3);
    expect(wallRows(members)).toHaveLength(3);
  });
});

describe('wall counts', () => {
  it('counts an incident once, under its member rule, not its members', () => {
    const { incident, members } = incidentOf('counter-backwards', 12);
    const alone = anomaly({ rule: 'vacant-unit-water', severity: 'P2' });
    const counts = wallCounts([incident, ...members, alone]);
    expect(counts.bySeverity).toEqual({ P1: 0, P2: 1, P3: 1, P4: 0 });
    expect(counts.byType.map(([rule, t]) => [rule, t.n, t.title.zh])).toEqual([
      ['counter-backwards', 1, '表计读数回退'],
      ['vacant-unit-water', 1, 'vacant-unit-water'],
    ]);
  });

  it('counts a mass fire once though each alarm keeps its row; a split member counts on its own', () => {
    const fire = incidentOf('fire-alarm', 5, 'P1');
    expect(wallCounts([fire.incident, ...fire.members]).bySeverity.P1).toBe(1);
    const { incident, members } = incidentOf('counter-backwards', 12);
    const split = members.map((m, i) => (i === 0 ? { ...m, splitAt: T } : m));
    expect(wallCounts([incident, ...split]).bySeverity.P3).toBe(2);
  });
});

describe('audible alarm', () => {
  it('does not sound for the orders of folded members, but for the incident, life safety and split ones', () => {
    const { incident, members } = incidentOf('counter-backwards', 12);
    const fire = incidentOf('fire-alarm', 2, 'P1');
    const split = { ...(members[0] as AnomalyDto), splitAt: T };
    const all = [incident, split, ...members.slice(1), fire.incident, ...fire.members];
    const byId = new Map(all.map((a) => [a.id, a]));
    const orders = all.map((a) => order(a.id, a.severity));
    const sounding = soundingOrders(orders, byId).map((w) => w.anomalyId);
    expect(sounding.sort()).toEqual([incident.id, split.id, fire.incident.id, ...fire.members.map((m) => m.id)].sort());
    // An intake order (no anomaly) always sounds.
    expect(soundingOrders([{ ...order('x', 'P2'), anomalyId: null }], byId)).toHaveLength(1);
  });
});

describe('incident card', () => {
  it('reads the evidence, tolerating a missing field', () => {
    const { incident } = incidentOf('counter-backwards', 12);
    expect(incidentSummary({ ...incident, evidence: { ...incident.evidence, open: 9, split: 1 } })).toMatchObject({
      memberRule: 'counter-backwards',
      memberTitle: { zh: '表计读数回退' },
      scope: { kind: 'building', id: '1' },
      cause: 'mass',
      members: 12,
      open: 9,
      split: 1,
      firstAt: T,
      lastAt: T + 11_000,
    });
    const bare = incidentSummary({ ...incident, evidence: {}, count: 4, subject: 'device-offline@gateway:gw-7' });
    expect(bare).toMatchObject({ memberRule: 'device-offline', scope: { kind: 'gateway', id: 'gw-7' }, members: 4, open: 4, split: 0, cause: 'mass' });
    expect(parseScope('site')).toEqual({ kind: 'site', id: '' });
    expect(parseScope('building:')).toEqual({ kind: 'site', id: '' });
  });

  it('draws members per minute, widening bars past the limit', () => {
    const minute = 60_000;
    const start = Math.floor(T / minute) * minute;
    expect(membersPerMinute([])).toEqual([]);
    const bars = membersPerMinute([{ openedAt: T }, { openedAt: T + 5_000 }, { openedAt: T + 2 * minute }]);
    expect(bars.map((b) => b.n)).toEqual([2, 0, 1]);
    expect(bars[0]).toEqual({ from: start, minutes: 1, n: 2 });
    const long = membersPerMinute(
      Array.from({ length: 120 }, (_, i) => ({ openedAt: T + i * minute })),
      30,
    );
    expect(long).toHaveLength(30);
    expect(long.every((b) => b.minutes === 4 && b.n === 4)).toBe(true);
  });
});

describe('steward list', () => {
  it('folds my grid’s members of an incident into one line; life safety and split stay single', () => {
    const { incident, members } = incidentOf('counter-backwards', 4);
    const leak = anomaly({ rule: 'leak', incidentId: incident.id });
    const split = { ...(members[0] as AnomalyDto), splitAt: T };
    const alone = anomaly({ rule: 'vacant-unit-water' });
    const items = stewardItems([split, ...members.slice(1), leak, alone]);
    expect(items.map((i) => (i.kind === 'incident' ? `incident:${i.members.length}` : i.anomaly.id))).toEqual([split.id, 'incident:3', leak.id, alone.id]);
    // Should the steward see the incident row itself, it stands for its members: one line.
    expect(stewardItems([incident, ...members]).map((i) => i.kind)).toEqual(['incident']);
  });
});
