import { createHmac } from 'node:crypto';
import { interpretErrcode, plainText, type WebhookProvider } from './provider.ts';

/**
 * DingTalk (钉钉) custom robot: POST JSON to …/robot/send?access_token=TOKEN. With 加签 the URL also
 * carries `timestamp` (ms) and `sign` = urlEncode(base64(HMAC-SHA256(key = secret,
 * message = timestamp + "\n" + secret))); DingTalk rejects a timestamp more than an hour off.
 * Message type `markdown` (`{msgtype, markdown:{title, text}}`). Answer `{errcode:0, errmsg:"ok"}`;
 * 130101 = sending too fast (20 a minute) → retry.
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export const dingtalk: WebhookProvider = {
  id: 'dingtalk',
  version: 1,
  request(message, config, nowMs) {
    let url = config.url;
    if (config.secret !== undefined) {
      const signed = new URL(config.url);
      signed.searchParams.set('timestamp', String(nowMs));
      signed.searchParams.set('sign', dingtalkSign(config.secret, nowMs));
      url = signed.toString();
    }
    const [first, ...rest] = plainText(message).split('\n');
    return { url, body: { msgtype: 'markdown', markdown: { title: first ?? message.title, text: [`#### ${first ?? ''}`, ...rest].join('\n\n') } } };
  },
  interpret: (status, body) => interpretErrcode(status, body, [130101, -1]),
};
