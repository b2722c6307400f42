// The HTTP mapper of the domain error family: one body everywhere, the right status.
import type { ErrorBody } from '@beamline/protocol';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, RateLimited, type ErrorKind } from '../errors';
import type { HttpEnv } from './env';

const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

export function errorBody(c: Context<HttpEnv>, code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }), requestId: c.get('requestId') } };
}

export function handleError(err: unknown, c: Context<HttpEnv>): Response {
  if (err instanceof DomainError) {
    if (err instanceof RateLimited) c.header('Retry-After', String(err.retryAfterSeconds));
    const status = err.code === 'payload_too_large' ? 413 : STATUS[err.kind];
    return c.json(errorBody(c, err.code, err.message, err.details), status);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code =
      status === 413
        ? 'payload_too_large'
        : status === 401
          ? 'unauthorized'
          : status === 404
            ? 'not_found'
            : 'bad_request';
    const message = status === 400 && /json/i.test(err.message) ? 'The request body is not valid JSON.' : err.message;
    return c.json(errorBody(c, code, message || 'Bad request.'), status as ContentfulStatusCode);
  }
  (c.get('log') ?? console).error({ err }, 'unhandled error');
  return c.json(errorBody(c, 'internal_error', 'An internal error occurred; the request id helps us find it.'), 500);
}
