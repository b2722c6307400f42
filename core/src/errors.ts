// The one domain error family: verbs of every service throw these; each transport has one mapper to its own shape
// (the control plane's HTTP mapper, realtime's error acknowledgement).

export type ErrorKind =
  'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const Invalid = (code: string, message: string, details?: unknown) =>
  new DomainError('invalid', code, message, details);
export const Unauthorized = (code: string, message: string) => new DomainError('unauthorized', code, message);
export const Forbidden = (code: string, message: string, details?: unknown) =>
  new DomainError('forbidden', code, message, details);
export const NotFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const Conflict = (code: string, message: string, details?: unknown) =>
  new DomainError('conflict', code, message, details);
export class RateLimited extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests.',
    code = 'rate_limited',
  ) {
    super('rate_limited', code, message, { retryAfterSeconds });
  }
}
