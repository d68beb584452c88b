import type { FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../services/auth.service.ts';
import { parseCookies } from './cookies.ts';

export const sessionToken = (request: FastifyRequest) => parseCookies(request.headers.cookie)[SESSION_COOKIE];
