// The control plane throws the shared domain error family (core); http/errors.ts maps it to HTTP.
export {
  Conflict,
  DomainError,
  Forbidden,
  Invalid,
  NotFound,
  RateLimited,
  Unauthorized,
  type ErrorKind,
} from '@beamline/core';
