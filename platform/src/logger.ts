import { type Logger, pino } from 'pino';

export type { Logger };

/** One root logger per process; modules take `logger.child({ module })`. */
export function createLogger(level: string, name = 'dutyroom'): Logger {
  return pino({ name, level, redact: { paths: ['*.phone', '*.password', '*.owner.phone'], censor: '***' } });
}
