import { describe, expect, it } from 'vitest';
import { subscriptionsOf } from './mqtt-source.ts';

describe('subscriptionsOf', () => {
  it.each<[string, string | undefined, string[], string[]]>([
    ['plain filters without a share group', undefined, ['dutyroom/v1/a/devices/+/+', 'z2m/#'], ['dutyroom/v1/a/devices/+/+', 'z2m/#']],
    [
      'each filter shared under the group (EMQX hash_topic)',
      'ingest',
      ['dutyroom/v1/a/devices/+/+', '/rfid/send'],
      ['$share/ingest/dutyroom/v1/a/devices/+/+', '$share/ingest//rfid/send'],
    ],
  ])('%s', (_name, shareGroup, filters, expected) => {
    expect(subscriptionsOf({ filters, shareGroup })).toEqual(expected);
  });
});
