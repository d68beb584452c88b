import type { UserDto } from '@dutyroom/domain';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Notifier } from '../notify/notifier.ts';
import { SESSION_COOKIE } from '../services/auth.service.ts';
import { ServiceError } from '../services/errors.ts';
import type { RosterService } from '../services/roster.service.ts';
import type { StewardService } from '../services/steward.service.ts';
import { parseCookies } from './cookies.ts';

/** What the accounts, push and roster routers need from the app. */
export interface RouteContext {
  currentUser(request: FastifyRequest): Promise<UserDto | undefined>;
}

export const sessionToken = (request: FastifyRequest): string | undefined => parseCookies(request.headers.cookie)[SESSION_COOKIE];

export function parseWith<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ServiceError('VALIDATION', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return parsed.data;
}

export function numericId(value: string, what: string): string {
  if (!/^\d{1,18}$/.test(value)) throw new ServiceError('VALIDATION', `id: ${what}`);
  return value;
}

/** The accounts work's services, handed to app.ts in one field. */
export interface AccountsDeps {
  readonly roster: RosterService;
  readonly steward: StewardService;
  readonly notifier: () => Notifier;
  readonly vapidPublicKey: () => string;
  readonly findWorkOrder: (id: string) => Promise<{ id: string; siteId: string; gridId: string | null; assigneeId: string | null } | undefined>;
}
