import type { WebhookPlatform } from '@dutyroom/domain';
import { dingtalk } from './dingtalk.ts';
import { feishu } from './feishu.ts';
import type { WebhookProvider } from './provider.ts';
import { wecom } from './wecom.ts';

/** The group-robot registry: one file per platform, added here; duplicates stop start-up. */
export const webhookProviders: readonly WebhookProvider[] = [wecom, dingtalk, feishu];

const byId = new Map<WebhookPlatform, WebhookProvider>();
for (const p of webhookProviders) {
  if (byId.has(p.id)) throw new Error(`two webhook providers named ${p.id}`);
  byId.set(p.id, p);
}

export function webhookProvider(id: WebhookPlatform): WebhookProvider {
  const provider = byId.get(id);
  if (provider === undefined) throw new Error(`no webhook provider ${id}`);
  return provider;
}
