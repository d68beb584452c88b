import { detectors, type SiteFile, siteFileSchema, topicFilters, topics } from '@dutyroom/domain';
import { createLogger, type Queryable } from '@dutyroom/platform';
import { describe, expect, it } from 'vitest';
import type { Pipeline } from './pipeline.ts';
import { type BuildPipeline, buildForSite, createSiteFollower } from './site-follower.ts';

const doc = (devices: string[], rules: Record<string, Record<string, unknown>> = {}): SiteFile =>
  siteFileSchema.parse({
    site: { id: 'demo', name: '翠湖花园' },
    people: [{ id: 'wang', name: '王管家', role: 'steward' }],
    grids: [{ id: 'g1', name: '一网格', steward: 'wang' }],
    buildings: [{ id: '1', name: '1栋', kind: 'high-rise', floors: 10, grid: 'g1' }],
    units: [{ id: '1-1-101', building: '1', floor: 1, occupancy: 'occupied', devices: devices.map((id) => ({ id, kind: 'water-meter' })) }],
    rules,
  });

/** A pipeline that writes what is done to it in one shared journal, so the order across pipelines shows. */
function fakePipeline(name: string, journal: string[], dirty = 0): Pipeline {
  let left = dirty;
  return {
    start: async () => {
      journal.push(`${name}.start`);
      return { restored: 0, discarded: 0, resumed: 0 };
    },
    onMessage: async (topic) => {
      journal.push(`${name}.message ${topic}`);
    },
    tick: async () => undefined,
    snapshot: async () => {
      journal.push(`${name}.snapshot`);
      const saved = left;
      left = 0;
      return saved;
    },
    drain: async () => {
      journal.push(`${name}.drain`);
    },
    get stats() {
      return { states: 0, timers: 0, backlog: 0, dirty: left };
    },
  };
}

/** The database holding the revisions the announcements name. */
const revisionsDb = (stored: Record<number, SiteFile>): Queryable => ({
  async query<Row>(_sql: string, params?: readonly unknown[]) {
    const revision = Number(params?.[1]);
    const site = stored[revision];
    const rows = site === undefined ? [] : [{ revision, document: site, author: 'admin', comment: '', at: 0 }];
    return { rows: rows as Row[] };
  },
  exec: async () => undefined,
});

const announce = (revision: number) => Buffer.from(JSON.stringify({ siteId: 'demo', revision, savedAt: 1 }));
const revisionTopic = topics.siteRevision('demo');
const log = createLogger('silent');

function setup(stored: Record<number, SiteFile>) {
  const journal: string[] = [];
  let built = 0;
  const build: BuildPipeline = () => fakePipeline(built++ === 0 ? 'old' : `new${built - 1}`, journal, built === 1 ? 2 : 0);
  const first = buildForSite(doc(['wm-1']), 1, detectors, build, log);
  const sut = createSiteFollower({ db: revisionsDb(stored), first, detectors, build, log });
  return { sut, journal };
}

describe(createSiteFollower.name, () => {
  it('drains the old pipeline, saves its states, starts the new one, then hands it the messages that waited', async () => {
    const { sut, journal } = setup({ 2: doc(['wm-1', 'wm-2']) });
    sut.control.handle(revisionTopic, announce(2));
    const waiting = sut.pipeline.onMessage('during-swap', new Uint8Array(), 0);
    await sut.settled();
    await waiting;
    expect(journal).toEqual(['old.drain', 'old.snapshot', 'new1.start', 'new1.message during-swap']);
    expect(sut.revision).toBe(2);
    expect(sut.site.device('wm-2')?.unit?.id).toBe('1-1-101');
    expect(sut.filters).toContain(topicFilters.deviceMessages('demo'));
  });

  it('ignores a revision not newer than the running one, a malformed announcement and one for another site', async () => {
    const { sut, journal } = setup({ 1: doc(['wm-1']) });
    sut.control.handle(revisionTopic, announce(1));
    sut.control.handle(revisionTopic, Buffer.from('{"revision":"x"}'));
    sut.control.handle(revisionTopic, Buffer.from(JSON.stringify({ siteId: 'other', revision: 9, savedAt: 1 })));
    sut.control.handle(revisionTopic, Buffer.alloc(0));
    await sut.settled();
    expect(journal).toEqual([]);
    expect(sut.revision).toBe(1);
  });

  it('keeps the running revision when the new one’s rules cannot run', async () => {
    const { sut, journal } = setup({ 2: doc(['wm-1'], { 'vacant-unit-water': { thresholdLitres: -1 } }) });
    sut.control.handle(revisionTopic, announce(2));
    await sut.settled();
    expect(journal).toEqual([]);
    expect(sut.revision).toBe(1);
  });

  it('applies the occupancy edits seen so far to the new site', async () => {
    const { sut } = setup({ 2: doc(['wm-1', 'wm-2']) });
    const edit = { unitId: '1-1-101', status: 'vacant', since: null, startReadings: { waterM3: null, electricityKwh: null }, updatedAt: 5 };
    expect(sut.control.claims(topics.unitOccupancy('demo', '1-1-101'))).toBe(true);
    sut.control.handle(topics.unitOccupancy('demo', '1-1-101'), Buffer.from(JSON.stringify(edit)));
    sut.control.handle(revisionTopic, announce(2));
    await sut.settled();
    expect(sut.revision).toBe(2);
    expect(sut.site.unit('1-1-101')?.occupancy).toBe('vacant');
    expect(sut.site.device('wm-2')?.unit?.occupancy).toBe('vacant');
  });
});
