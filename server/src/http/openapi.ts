import { z } from 'zod';
import type { RegisteredRoute } from './router.ts';

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const json = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });

/** Fastify's `/a/:id` as OpenAPI's `/a/{id}`. */
export const openApiPath = (url: string) => url.replace(/:([A-Za-z_]\w*)/g, '{$1}');

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (schema === undefined) return [];
  const s = json(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    schema: property,
  }));
}

/** OpenAPI 3.1 from the routes' own zod schemas (z.toJSONSchema): the document cannot drift from the validation. */
export function buildOpenApi(routes: readonly RegisteredRoute[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const responses: Record<string, object> = {
      '200': {
        description: 'OK',
        content: {
          ...(r.response ? { 'application/json': { schema: json(r.response, 'output') } } : r.produces ? {} : { 'application/json': {} }),
          ...Object.fromEntries((r.produces ?? []).map((type) => [type, {}])),
        },
      },
      default: { description: 'An error: `{error:{code,message}}`', content: { 'application/json': { schema: json(errorSchema, 'output') } } },
    };
    const requestBody = r.multipartFile
      ? {
          required: true,
          content: {
            'multipart/form-data': {
              schema: { type: 'object', properties: { [r.multipartFile]: { type: 'string', format: 'binary' } }, required: [r.multipartFile] },
            },
          },
        }
      : r.body
        ? { required: true, content: { 'application/json': { schema: json(r.body, 'input') } } }
        : undefined;
    const path = openApiPath(r.url);
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      ...(requestBody ? { requestBody } : {}),
      responses,
      ...(r.public ? { security: [] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'dutyroom_session' } } },
    security: [{ session: [] }],
    paths,
  };
}
