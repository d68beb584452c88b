import { configSchema } from '@dutyroom/domain';
import { describe, expect, it } from 'vitest';
import { leaseKey, siteClientId } from './partition.ts';

describe('site partition identity', () => {
  it('names a site session the same on every worker, and distinct per site', () => {
    const a = configSchema.parse({ ingest: { clientId: 'dutyroom-ingest' }, scale: { workerId: 'w1' } });
    const b = configSchema.parse({ ingest: { clientId: 'dutyroom-ingest' }, scale: { workerId: 'w2' } });
    expect(siteClientId(a, 'north')).toBe(siteClientId(b, 'north'));
    expect(siteClientId(a, 'north')).not.toBe(siteClientId(a, 'south'));
    expect(leaseKey('north')).toBe('dutyroom-ingest:north');
  });

  it.each<[string, unknown, string[] | undefined]>([
    ['comma-separated env value', 'sites/a.yaml, sites/b.yaml,', ['sites/a.yaml', 'sites/b.yaml']],
    ['a list from the config file', ['sites/a.yaml'], ['sites/a.yaml']],
    ['absent: the site file alone', undefined, undefined],
  ])('reads scale.siteFiles from %s', (_name, siteFiles, expected) => {
    expect(configSchema.parse({ scale: siteFiles === undefined ? {} : { siteFiles } }).scale.siteFiles).toEqual(expected);
  });

  it('rejects a share group that is not one topic level', () => {
    expect(() => configSchema.parse({ scale: { shareGroup: 'a/b' } })).toThrow();
  });
});
