import type { Permission, UserDto } from '@dutyroom/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requirePermission } from '../services/access.ts';
import { ServiceError } from '../services/errors.ts';
import { parseInput } from './validate.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route declares: the same schemas validate the request and describe it in /api/v1/openapi.json. */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly method: Method;
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** The JSON answer (documentation; the handler's type follows it). */
  readonly response?: z.ZodType;
  /** Non-JSON answers: content types the route may send instead. */
  readonly produces?: readonly string[];
  /** multipart/form-data upload with one file field of this name. */
  readonly multipartFile?: string;
  /** Reachable without a session (health, login, the API description). */
  readonly public?: boolean;
  /**
   * The role permission the route needs (domain/src/access/roles.ts), checked before the body is
   * read; which records the user may touch (grid scope) is the service's first line.
   */
  readonly permission?: Permission;
  /** Reachable while the account must change its password (who am I, change it, log out everywhere). */
  readonly duringPasswordChange?: boolean;
}

export interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly params: z.output<P>;
  readonly query: z.output<Q>;
  readonly body: z.output<B>;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly user: UserDto | undefined;
}

export type RegisteredRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

const none = z.object({}).passthrough();

/** Registers routes on Fastify and keeps their specs for the OpenAPI document. */
export function createRouter(app: FastifyInstance, currentUser: (request: FastifyRequest) => Promise<UserDto | undefined>, siteId?: string) {
  const routes: RegisteredRoute[] = [];
  return {
    routes: routes as readonly RegisteredRoute[],
    route<P extends z.ZodType = typeof none, Q extends z.ZodType = typeof none, B extends z.ZodType = z.ZodUnknown>(
      spec: RouteSpec<P, Q, B>,
      handler: (input: RouteInput<P, Q, B>) => Promise<unknown>,
    ): void {
      routes.push(spec as unknown as RegisteredRoute);
      app.route({
        method: spec.method,
        url: spec.url,
        handler: async (request, reply) => {
          // Access before validation (STYLE §8.6 habit 8): an anonymous caller learns nothing of a route's shape.
          const user = spec.public ? undefined : await currentUser(request);
          if (!spec.public && user === undefined) throw new ServiceError('UNAUTHENTICATED', 'log in first');
          if (user?.mustChangePassword === true && spec.duringPasswordChange !== true)
            throw new ServiceError('PASSWORD_CHANGE_REQUIRED', 'change your password first (POST /api/v1/me/password)');
          if (spec.permission !== undefined && siteId !== undefined) requirePermission(user, spec.permission, siteId);
          const params = parseInput(spec.params ?? none, request.params, 'params');
          const query = parseInput(spec.query ?? none, request.query, 'query');
          const body = spec.body === undefined ? undefined : parseInput(spec.body, request.body, 'body');
          return handler({ params, query, body, request, reply, user } as RouteInput<P, Q, B>);
        },
      });
    },
  };
}

export type Router = ReturnType<typeof createRouter>;
