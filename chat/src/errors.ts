// Chat's errors are the shared domain errors (core), with codes from the protocol's chat catalog: a code outside
// CHAT_ERRORS does not compile. Realtime maps them to an error acknowledgement, the control plane to HTTP.
import { DomainError, RateLimited } from '@beamline/core';
import type { ChatErrorCode } from '@beamline/protocol';

export const invalid = (code: ChatErrorCode, message: string, details?: unknown) =>
  new DomainError('invalid', code, message, details);
export const unauthorized = (code: ChatErrorCode, message: string) => new DomainError('unauthorized', code, message);
export const forbidden = (code: ChatErrorCode, message: string, details?: unknown) =>
  new DomainError('forbidden', code, message, details);
export const notFound = (code: ChatErrorCode, message: string) => new DomainError('not_found', code, message);
export const conflict = (code: ChatErrorCode, message: string) => new DomainError('conflict', code, message);
export const rateLimited = (code: ChatErrorCode, message: string, retryAfterSeconds: number) =>
  new RateLimited(retryAfterSeconds, message, code);
