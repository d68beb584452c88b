import type { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Parses one part of a request (params, query, body) with its zod schema; a failure names every field at fault. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'params' | 'query' | 'body'): z.output<S> {
  const parsed = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  throw new ValidationError(parsed.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })));
}
