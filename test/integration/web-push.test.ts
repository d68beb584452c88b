import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher, login } from '../harness/clients.ts';
import { waitFor } from '../harness/servers.ts';
import { localReceiver, type Received, runWater, startAccountsStack } from './access-stack.ts';

/**
 * Web Push end to end without the internet (issue 6): a subscription whose endpoint is a local
 * HTTP server receives the encrypted message; the test decrypts it as a browser would
 * (RFC 8291 + RFC 8188 aes128gcm) and checks the VAPID signature (RFC 8292) and the content.
 */

const b64u = (b: Buffer) => b.toString('base64url');

/** A browser's side of a subscription: its P-256 key pair and auth secret. */
function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, auth: randomBytes(16) };
}

/** RFC 8291 §3.4 + RFC 8188 §2: one aes128gcm record, decrypted with the user agent's private key. */
function decryptAes128gcm(body: Buffer, ua: ReturnType<typeof browserKeys>): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body.readUInt8(20);
  const asPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  expect(idLength).toBe(65);
  expect(ciphertext.length).toBeLessThanOrEqual(recordSize);
  const ecdhSecret = ua.ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ua.ecdh.getPublicKey(), asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, ua.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding (RFC 8188 §2).
  let end = padded.length - 1;
  while (end > 0 && padded[end] === 0) end -= 1;
  expect(padded[end]).toBe(2);
  return padded.subarray(0, end).toString('utf8');
}

/** RFC 8292 §2/§3: `vapid t=<JWT>, k=<public key>`; the JWT is ES256 over the push service's origin. */
function checkVapid(request: Received, endpointOrigin: string, publicKey: string): void {
  const header = String(request.headers['authorization']);
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(header);
  expect(match).not.toBeNull();
  const [, jwt = '', k = ''] = match ?? [];
  expect(k).toBe(publicKey);
  const [head = '', claims = '', signature = ''] = jwt.split('.');
  const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  expect(payload.aud).toBe(endpointOrigin);
  expect(payload.exp * 1000).toBeGreaterThan(Date.now());
  const raw = Buffer.from(publicKey, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33, 65)) }, format: 'jwk' });
  expect(verify('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))).toBe(true);
}

describe('Web Push to the steward of the grid', () => {
  let stack: Awaited<ReturnType<typeof startAccountsStack>>;
  let device: MqttClient;

  beforeAll(async () => {
    stack = await startAccountsStack({ retry: { baseSeconds: 0.2, maxSeconds: 1, maxAttempts: 3 } });
    device = await devicePublisher(stack.mqttUrl);
  });
  afterAll(async () => {
    await device?.endAsync();
    await stack?.stop();
  });

  const subscribe = async (cookie: string, endpoint: string, keys: ReturnType<typeof browserKeys>) => {
    const response = await fetch(`${stack.server.url}/api/v1/push/subscriptions`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint, expirationTime: null, keys: { p256dh: b64u(keys.ecdh.getPublicKey()), auth: b64u(keys.auth) } }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };

  it('delivers an encrypted, VAPID-signed push that decrypts to the anomaly, only to the grid steward', async () => {
    const pushService = await localReceiver(() => ({ status: 201 }));
    try {
      const wang = browserKeys();
      const li = browserKeys();
      const wangCookie = await login(stack.server.url, 'wang');
      await subscribe(wangCookie, `${pushService.url}/push/wang`, wang);
      await subscribe(await login(stack.server.url, 'li'), `${pushService.url}/push/li`, li);
      const { publicKey } = (await (await fetch(`${stack.server.url}/api/v1/push/vapid-public-key`, { headers: { cookie: wangCookie } })).json()) as {
        publicKey: string;
      };

      await runWater(device, stack.siteId, 'wm-1-1-101');
      const request = await waitFor(() => pushService.received.find((r) => r.url === '/push/wang'), 'a push at the local push service');

      expect(request.headers['content-encoding']).toBe('aes128gcm');
      expect(request.headers['urgency']).toBe('high');
      expect(Number(request.headers['ttl'])).toBeGreaterThan(0);
      checkVapid(request, pushService.url, publicKey);
      const message = JSON.parse(decryptAes128gcm(request.body, wang)) as { title: string; severity: string; needsAck: boolean; pushId: string; path: string };
      expect(message.title).toContain('空置房水表走动');
      expect(message.title).toContain('1-1-101');
      expect(message.severity).toBe('P2');
      expect(message.needsAck).toBe(true);
      expect(message.path).toBe(`/steward?push=${message.pushId}`);
      // li's key cannot open wang's message, and li (grid g2) was not paged for a g1 unit.
      expect(() => decryptAes128gcm(request.body, li)).toThrow();
      expect(pushService.received.some((r) => r.url === '/push/li')).toBe(false);

      const delivery = await waitFor(async () => {
        const { rows } = await stack.db.query<{ status: string; http_status: number }>(
          `select status, http_status from push_deliveries where push_id = $1 and channel = 'web-push'`,
          [message.pushId],
        );
        return rows[0]?.status === 'delivered' ? rows[0] : undefined;
      }, 'the delivery recorded as delivered');
      expect(delivery.http_status).toBe(201);
    } finally {
      await pushService.close();
    }
  });

  it('retries a failed delivery with backoff, and removes a subscription the push service says is gone', async () => {
    // First answer 503 (retry), then 201; a second endpoint answers 410 Gone.
    let flaky = 0;
    const pushService = await localReceiver((r) => {
      if (r.url === '/push/gone') return { status: 410 };
      flaky += 1;
      return { status: flaky === 1 ? 503 : 201 };
    });
    try {
      const cookie = await login(stack.server.url, 'li');
      const targets = [
        `subscription:${await subscribe(cookie, `${pushService.url}/push/flaky`, browserKeys())}`,
        `subscription:${await subscribe(cookie, `${pushService.url}/push/gone`, browserKeys())}`,
      ];
      await runWater(device, stack.siteId, 'wm-2-1-102');

      const rows = await waitFor(async () => {
        const { rows } = await stack.db.query<{ target: string; status: string; attempts: number; last_error: string | null }>(
          `select d.target, d.status, d.attempts, d.last_error from push_deliveries d join pushes p on p.id = d.push_id
           join anomalies a on a.id = p.anomaly_id where a.unit_id = '2-1-102' and d.target = any($1) order by d.id`,
          [targets],
        );
        return rows.length === 2 && rows.every((r) => r.status !== 'pending') ? rows : undefined;
      }, 'both deliveries settled');
      expect(rows.map((r) => [r.status, r.attempts])).toEqual([
        ['delivered', 2],
        ['gone', 1],
      ]);
      expect(rows[1]?.last_error).toContain('410');
      const flakyCalls = pushService.received.filter((r) => r.url === '/push/flaky');
      expect(flakyCalls).toHaveLength(2);
      const { rows: left } = await stack.db.query<{ endpoint: string }>('select endpoint from push_subscriptions where endpoint like $1', [
        `${pushService.url}%`,
      ]);
      expect(left.map((r) => r.endpoint)).toEqual([`${pushService.url}/push/flaky`]);
    } finally {
      await pushService.close();
    }
  });
});
