import { createHmac } from 'node:crypto';
import { type DeliveryResult, plainText, type WebhookProvider } from './provider.ts';

/**
 * Feishu / Lark (飞书) custom bot: POST JSON to …/open-apis/bot/v2/hook/HOOK_ID. With 签名校验 the
 * body carries `timestamp` (seconds, as a string) and `sign` = base64(HMAC-SHA256(key =
 * timestamp + "\n" + secret, message = "")) — the string to sign is the key, the message is empty.
 * Message type `text` (`{msg_type:"text", content:{text}}`). Answer `{code:0, msg:"success"}`
 * (older bots `{StatusCode:0}`); 9499 = too many requests → retry.
 */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

export const feishu: WebhookProvider = {
  id: 'feishu',
  version: 1,
  request(message, config, nowMs) {
    const timestamp = Math.floor(nowMs / 1000);
    const signature = config.secret === undefined ? {} : { timestamp: String(timestamp), sign: feishuSign(config.secret, timestamp) };
    return { url: config.url, body: { ...signature, msg_type: 'text', content: { text: plainText(message) } } };
  },
  interpret(status, body): DeliveryResult {
    if (status < 200 || status >= 300) return { outcome: status === 429 || status >= 500 ? 'retry' : 'rejected', httpStatus: status, error: `HTTP ${status}` };
    const answer = (typeof body === 'object' && body !== null ? body : {}) as { code?: unknown; msg?: unknown; StatusCode?: unknown };
    const code = Number(answer.code ?? answer.StatusCode ?? Number.NaN);
    if (code === 0) return { outcome: 'delivered', httpStatus: status };
    return { outcome: code === 9499 ? 'retry' : 'rejected', httpStatus: status, error: `code ${Number.isNaN(code) ? '?' : code}: ${String(answer.msg ?? '')}` };
  },
};
