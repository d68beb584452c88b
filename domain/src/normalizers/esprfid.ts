import type { AccessEvent } from '../model/reading.ts';
import { reject } from '../model/rejection.ts';
import { esprfidTopics } from '../topics.ts';
import { type BodyOrRejection, DecodeBatch } from './device-quirks.ts';
import { type JsonObject, parseJsonObject, vendorBoolean } from './json-payload.ts';
import { contentHash } from './message-key.ts';
import { type DecodeResult, emptyResult, type Normalizer, rejected } from './normalizer.ts';

/**
 * esp-rfid door controllers (RFID/Wiegand reader, relay, door sensor), docs/protocol.md §esp-rfid;
 * esprfid/esp-rfid README-ADDON.md "Messages sent by ESP-RFID". Device: an access-reader with
 * `source: { ecosystem: esprfid, address: <TOPIC> }`; messages arrive on `<TOPIC>/send`.
 *
 * - `type: access` → access granted (`Admin`, `Always`) or denied (`Denied` → reason unknown,
 *   `Disabled` → deactivated, `Expired` → expired), card = `uid`, door = `door` (the hostname).
 *   `isKnown` is `isknown` in the docs and `isKnown` in the firmware: both are read.
 * - `cmd: event, src: door`: `Door Open` / `Door Closed` → contact; other log events → heartbeat.
 * - `type: boot` → status online (there is no last will: liveness comes from `heartbeat`, 180 s).
 * - `time` is epoch **seconds** from the controller's NTP clock.
 */

const grantedLevels = new Set(['admin', 'always']);
const denialReasons: Readonly<Record<string, string>> = { denied: 'unknown', disabled: 'deactivated', expired: 'expired' };

function accessPart(message: JsonObject): BodyOrRejection {
  const access = typeof message['access'] === 'string' ? message['access'] : '';
  const level = access.toLowerCase();
  const known = vendorBoolean(message['isKnown'] ?? message['isknown']);
  const card = typeof message['uid'] === 'string' ? message['uid'] : undefined;
  const door = typeof message['door'] === 'string' ? message['door'] : undefined;
  let event: AccessEvent;
  let reason: string | undefined;
  if (grantedLevels.has(level)) event = 'granted';
  else if (level in denialReasons) {
    event = 'denied';
    reason = known === true && level === 'denied' ? 'not allowed' : denialReasons[level];
  } else return reject('schema', `access: ${JSON.stringify(access)} is not an esp-rfid access level (Admin, Always, Denied, Disabled, Expired)`);
  return { ok: true, body: { kind: 'access', event, door, card, reason } };
}

function parts(message: JsonObject): BodyOrRejection[] {
  if (message['type'] === 'access') return [accessPart(message)];
  if (message['type'] === 'boot') return [{ ok: true, body: { kind: 'status', online: true } }];
  if (message['cmd'] === 'event' && message['src'] === 'door') {
    if (message['desc'] === 'Door Open') return [{ ok: true, body: { kind: 'contact', open: true } }];
    if (message['desc'] === 'Door Closed') return [{ ok: true, body: { kind: 'contact', open: false } }];
  }
  return [];
}

export const esprfidNormalizer: Normalizer = {
  id: 'esprfid',
  forSite(site) {
    if (!site.uses('esprfid')) return undefined;
    const controllers = new Set(site.sourceAddresses('esprfid'));
    const claims = (topic: string) => {
      const controller = esprfidTopics.controllerOf(topic);
      return controller !== undefined && controllers.has(controller);
    };
    return {
      filters: [...controllers].map(esprfidTopics.send),
      claims,
      decode(input, devices): DecodeResult {
        const controller = esprfidTopics.controllerOf(input.topic);
        if (controller === undefined) return emptyResult;
        const device = devices.bySource('esprfid', controller);
        if (device === undefined) return rejected(reject('unknown-device', `esp-rfid controller "${controller}" is not in the site file`).rejection);
        const json = parseJsonObject(input.payload);
        if (!json.ok) return rejected(json.rejection);
        const seconds = json.value['time'];
        return new DecodeBatch().add(device, parts(json.value), {
          deviceTs: typeof seconds === 'number' ? seconds * 1000 : undefined,
          receivedAt: input.receivedAt,
          messageId: contentHash(input.topic, input.payload),
        });
      },
    };
  },
};
