import { interpretErrcode, plainText, type WebhookProvider } from './provider.ts';

/**
 * WeCom (企业微信) group robot: POST JSON to …/cgi-bin/webhook/send?key=KEY. The key in the URL is
 * the only credential; WeCom robots have no signature. Message type `markdown`
 * (`{msgtype:"markdown", markdown:{content}}`, at most 4096 bytes). Answer `{errcode:0, errmsg:"ok"}`;
 * 45009 = API frequency limit (20 messages a minute per robot) → retry.
 */
export const wecom: WebhookProvider = {
  id: 'wecom',
  version: 1,
  request(message, config) {
    const [first, ...rest] = plainText(message).split('\n');
    const color = message.severity === 'P1' ? 'warning' : 'comment';
    const content = [`**<font color="${color}">${first ?? ''}</font>**`, ...rest.map((line) => `> ${line}`)].join('\n');
    return { url: config.url, body: { msgtype: 'markdown', markdown: { content: truncateBytes(content, 4096) } } };
  },
  interpret: (status, body) => interpretErrcode(status, body, [45009, -1]),
};

function truncateBytes(text: string, max: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  // Cut on a character boundary, not inside a multi-byte character.
  return `${bytes
    .subarray(0, max - 3)
    .toString('utf8')
    .replace(/\uFFFD$/, '')}…`;
}
