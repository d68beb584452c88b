import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type MessageKey = keyof typeof zhCN;
type Locale = 'zh-CN' | 'en';
const dictionaries: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'dutyroom.locale';

/** The one i18n layer: zh-CN first, English switchable, remembered per browser. */
class I18n {
  locale = $state<Locale>(localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN');

  t = (key: MessageKey): string => dictionaries[this.locale][key];

  /** Picks the language of a bilingual server text. */
  pick = (text: { zh: string; en: string }): string => (this.locale === 'en' ? text.en : text.zh);

  time = (ms: number): string =>
    new Intl.DateTimeFormat(this.locale, {
      timeZone: 'Asia/Shanghai',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }).format(ms);

  toggle(): void {
    this.locale = this.locale === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem(STORAGE_KEY, this.locale);
    document.documentElement.lang = this.locale;
  }
}

export const i18n = new I18n();
