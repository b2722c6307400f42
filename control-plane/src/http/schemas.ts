// Schemas shared by many routes: the error body, pagination, ids.
import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'app_not_found' }),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string().optional(),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

export const ERROR_RESPONSES = {
  400: errorResponse('Invalid input'),
  401: errorResponse('Missing or invalid credentials'),
  403: errorResponse('Not allowed for this role or credential'),
  404: errorResponse('Not found, or not visible to these credentials'),
  409: errorResponse('Conflicts with the current state'),
  413: errorResponse('Body over 1 MB'),
  429: errorResponse('Rate limited; see Retry-After'),
} as const;

export const idParam = (name: string, prefix: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/)
    .openapi({ param: { name, in: 'path' }, example: `${prefix}_0123456789abcdefghij` });

export const AppIdParams = z.object({ appId: idParam('appId', 'app') });

export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(25)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'nextCursor of the previous page' }),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });

/** A non-empty, trimmed, bounded text field. */
export const text = (max: number) => z.string().trim().min(1).max(max);
