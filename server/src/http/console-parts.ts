import type { UserDto } from '@dutyroom/domain';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { type AuthService, SESSION_COOKIE } from '../services/auth.service.ts';
import type { DrillService } from '../services/drill.service.ts';
import { ServiceError } from '../services/errors.ts';
import type { HandoverService } from '../services/handover.service.ts';
import type { SiteMapService } from '../services/site-map.service.ts';
import type { SiteSetupService } from '../services/site-setup.service.ts';
import type { TelemetryService } from '../telemetry/telemetry.service.ts';
import { parseCookies } from './cookies.ts';

/** What the console's routes (site map, telemetry, handover) need; composed in server.ts. */
export interface ConsoleParts {
  readonly siteMap: SiteMapService;
  readonly siteSetup: SiteSetupService;
  readonly telemetry: TelemetryService;
  readonly handover: HandoverService;
  readonly drill: DrillService;
  readonly now: () => number;
}

export interface ConsoleRouteDeps {
  readonly auth: AuthService;
  readonly consoleParts: ConsoleParts;
}

export const userOf = (auth: AuthService, request: FastifyRequest): Promise<UserDto | undefined> =>
  auth.userForToken(parseCookies(request.headers.cookie)[SESSION_COOKIE]);

/** Parses a body, query or params with its schema; a failure is a VALIDATION error naming each path. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ServiceError('VALIDATION', parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  return parsed.data;
}
