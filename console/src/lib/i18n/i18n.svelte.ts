import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type MessageKey = keyof typeof zhCN;
export type Locale = 'zh-CN' | 'en';
const dictionaries: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'dutyroom.locale';

/**
 * The one i18n layer: zh-CN first, English switchable, remembered per browser. Dates and numbers
 * are formatted in the site's time zone (set from the site map; Asia/Shanghai by default).
 */
class I18n {
  locale = $state<Locale>(localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN');
  timeZone = $state('Asia/Shanghai');

  t = (key: MessageKey): string => dictionaries[this.locale][key];

  /** A key built at run time (a status, a severity, an error code); the key itself when unknown. */
  tx = (key: string): string => (key in zhCN ? dictionaries[this.locale][key as MessageKey] : key);

  /** Picks the language of a bilingual server text. */
  pick = (text: { zh: string; en: string }): string => (this.locale === 'en' ? text.en : text.zh);

  #formats = $derived({
    time: new Intl.DateTimeFormat(this.locale, {
      timeZone: this.timeZone,
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }),
    clock: new Intl.DateTimeFormat(this.locale, { timeZone: this.timeZone, hour: '2-digit', minute: '2-digit', hour12: false }),
    seconds: new Intl.DateTimeFormat(this.locale, { timeZone: this.timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }),
    day: new Intl.DateTimeFormat(this.locale, { timeZone: this.timeZone, month: '2-digit', day: '2-digit' }),
    number: new Intl.NumberFormat(this.locale, { maximumFractionDigits: 3 }),
  });

  time = (ms: number): string => this.#formats.time.format(ms);
  clock = (ms: number): string => this.#formats.clock.format(ms);
  /** The time of day to the second (members of one incident all fall within minutes of each other). */
  timeOfDay = (ms: number): string => this.#formats.seconds.format(ms);
  day = (ms: number): string => this.#formats.day.format(ms);
  number = (n: number): string => this.#formats.number.format(n);

  /** A duration as 1:05:09 or 4:09 (countdowns, mean times). */
  duration = (seconds: number): string => {
    const s = Math.max(0, Math.round(Math.abs(seconds)));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const pad = (n: number) => String(n).padStart(2, '0');
    return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
  };

  toggle(): void {
    this.locale = this.locale === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem(STORAGE_KEY, this.locale);
    document.documentElement.lang = this.locale;
  }
}

export const i18n = new I18n();
