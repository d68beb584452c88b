import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher } from '../harness/clients.ts';
import { waitFor } from '../harness/servers.ts';
import { localReceiver, type Received, runWater, startAccountsStack } from './access-stack.ts';

/**
 * Group-robot webhooks against a local receiver that checks each request the way the platform
 * documents it, written here independently of the server's code:
 * - WeCom 企业微信 群机器人: POST …/cgi-bin/webhook/send?key=KEY, JSON {msgtype:"markdown", markdown:{content}}
 *   (content ≤ 4096 bytes), no signature; answers {errcode:0, errmsg:"ok"}.
 * - DingTalk 钉钉 自定义机器人 (加签): …/robot/send?access_token=T&timestamp=<ms>&sign=<urlencoded base64
 *   HmacSHA256(secret, timestamp+"\n"+secret)>, timestamp within 1 hour; {msgtype:"markdown", markdown:{title, text}};
 *   a bad signature answers {errcode:310000, errmsg:"sign not match"}.
 * - Feishu 飞书 自定义机器人 (签名校验): body {timestamp:"<s>", sign: base64 HmacSHA256(key=timestamp+"\n"+secret,
 *   message=""), msg_type:"text", content:{text}}; a bad signature answers {code:19021, msg:"sign match fail…"}.
 */

const WECOM_KEY = 'wecom-key-693a';
const DING_TOKEN = 'ding-token-51c';
const DING_SECRET = 'SECd1e2f3a4b5c6d7e8f9';
const FEISHU_SECRET = 'fs-secret-98765';
const HOUR = 3_600_000;

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

type Verdict = { ok: boolean; platform: string; reason?: string };

function check(request: Received): { verdict: Verdict; answer: unknown } {
  const url = new URL(request.url, 'http://robot.invalid');
  const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
  expect(request.headers['content-type']).toMatch(/^application\/json/);
  if (url.pathname === '/cgi-bin/webhook/send') {
    const markdown = body['markdown'] as { content?: unknown } | undefined;
    const ok =
      url.searchParams.get('key') === WECOM_KEY &&
      body['msgtype'] === 'markdown' &&
      typeof markdown?.content === 'string' &&
      Buffer.byteLength(markdown.content) <= 4096;
    return { verdict: { ok, platform: 'wecom' }, answer: ok ? { errcode: 0, errmsg: 'ok' } : { errcode: 93000, errmsg: 'invalid webhook url' } };
  }
  if (url.pathname === '/robot/send') {
    const timestamp = Number(url.searchParams.get('timestamp'));
    const expected = createHmac('sha256', DING_SECRET).update(`${timestamp}\n${DING_SECRET}`).digest('base64');
    const signed = same(url.searchParams.get('sign') ?? '', expected) && Math.abs(Date.now() - timestamp) < HOUR;
    const markdown = body['markdown'] as { title?: unknown; text?: unknown } | undefined;
    const ok =
      url.searchParams.get('access_token') === DING_TOKEN &&
      body['msgtype'] === 'markdown' &&
      typeof markdown?.title === 'string' &&
      typeof markdown.text === 'string';
    return {
      verdict: { ok: ok && signed, platform: 'dingtalk', ...(signed ? {} : { reason: 'sign' }) },
      answer: !signed ? { errcode: 310000, errmsg: 'sign not match' } : ok ? { errcode: 0, errmsg: 'ok' } : { errcode: 300001, errmsg: 'bad body' },
    };
  }
  if (url.pathname.startsWith('/open-apis/bot/v2/hook/')) {
    const timestamp = String(body['timestamp']);
    const expected = createHmac('sha256', `${timestamp}\n${FEISHU_SECRET}`).update('').digest('base64');
    const signed = same(String(body['sign']), expected) && Math.abs(Date.now() - Number(timestamp) * 1000) < HOUR;
    const content = body['content'] as { text?: unknown } | undefined;
    const ok = body['msg_type'] === 'text' && typeof content?.text === 'string';
    return {
      verdict: { ok: ok && signed, platform: 'feishu', ...(signed ? {} : { reason: 'sign' }) },
      answer: !signed
        ? { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' }
        : ok
          ? { code: 0, msg: 'success', data: {} }
          : { code: 9499, msg: 'Bad Request' },
    };
  }
  return { verdict: { ok: false, platform: 'unknown' }, answer: { errcode: 404 } };
}

describe('group-robot webhooks (WeCom, DingTalk, Feishu)', () => {
  let stack: Awaited<ReturnType<typeof startAccountsStack>>;
  let device: MqttClient;
  const verdicts: Verdict[] = [];
  let robots: Awaited<ReturnType<typeof localReceiver>>;

  beforeAll(async () => {
    robots = await localReceiver((request) => {
      const { verdict, answer } = check(request);
      verdicts.push(verdict);
      return { status: 200, body: answer };
    });
    stack = await startAccountsStack({
      retry: { baseSeconds: 0.2, maxSeconds: 1, maxAttempts: 2 },
      webhooks: [
        { id: 'ops-wecom', platform: 'wecom', url: `${robots.url}/cgi-bin/webhook/send?key=${WECOM_KEY}`, severities: ['P1', 'P2'] },
        { id: 'ops-ding', platform: 'dingtalk', url: `${robots.url}/robot/send?access_token=${DING_TOKEN}`, secret: DING_SECRET },
        { id: 'ops-feishu', platform: 'feishu', url: `${robots.url}/open-apis/bot/v2/hook/abc-123`, secret: FEISHU_SECRET },
        { id: 'bad-feishu', platform: 'feishu', url: `${robots.url}/open-apis/bot/v2/hook/wrong`, secret: 'not-the-secret' },
        { id: 'p1-only', platform: 'wecom', url: `${robots.url}/cgi-bin/webhook/send?key=${WECOM_KEY}&p1`, severities: ['P1'] },
      ],
    });
    device = await devicePublisher(stack.mqttUrl);
  });
  afterAll(async () => {
    await device?.endAsync();
    await stack?.stop();
    await robots?.close();
  });

  it('sends each platform its documented format and signature, and records every result', async () => {
    await runWater(device, stack.siteId, 'wm-1-1-101');
    const rows = await waitFor(async () => {
      const { rows } = await stack.db.query<{ channel: string; target: string; status: string; attempts: number; last_error: string | null }>(
        `select channel, target, status, attempts, last_error from push_deliveries where level = 'group' order by target`,
      );
      return rows.length === 4 && rows.every((r) => r.status !== 'pending') ? rows : undefined;
    }, 'four group deliveries settled');

    expect(rows.map((r) => [r.target, r.status])).toEqual([
      ['webhook:bad-feishu', 'rejected'],
      ['webhook:ops-ding', 'delivered'],
      ['webhook:ops-feishu', 'delivered'],
      ['webhook:ops-wecom', 'delivered'],
    ]);
    // A wrong secret is a configuration error: recorded with the platform's answer, not retried.
    expect(rows[0]?.last_error).toContain('19021');
    expect(rows[0]?.attempts).toBe(1);
    expect(
      verdicts
        .filter((v) => v.ok)
        .map((v) => v.platform)
        .sort(),
    ).toEqual(['dingtalk', 'feishu', 'wecom']);
    expect(verdicts.filter((v) => !v.ok)).toEqual([{ ok: false, platform: 'feishu', reason: 'sign' }]);
    // The P2 never reached the P1-only robot.
    expect(robots.received.some((r) => r.url.endsWith('&p1'))).toBe(false);

    const wecomBody = JSON.parse(robots.received.find((r) => r.url.startsWith('/cgi-bin'))?.body.toString() ?? '{}') as { markdown: { content: string } };
    expect(wecomBody.markdown.content).toContain('空置房水表走动');
    expect(wecomBody.markdown.content).toContain('1-1-101');
  });
});
