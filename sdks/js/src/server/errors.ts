// The one error the server client throws: the API's stable code, the HTTP status and the request id.
import type { KnownErrorCode } from '../generated/protocol';

export type PlatformErrorCode = KnownErrorCode | 'network_error' | 'timeout' | 'invalid_response' | (string & {});

export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  /** A stable code to switch on, e.g. `stream_not_found`; the message is for people. */
  readonly code: PlatformErrorCode;
  /** The HTTP status, or 0 when no response arrived (network error, timeout). */
  readonly status: number;
  /** The server's request id: quote it in a support request. */
  readonly requestId: string | undefined;
  readonly details: unknown;
  /** Seconds the server asked to wait (429 and 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    code: PlatformErrorCode;
    message: string;
    status: number;
    requestId?: string | undefined;
    details?: unknown;
    retryAfterSeconds?: number | undefined;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.details = init.details;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** Whether a retry of the same call may succeed (rate limits, server errors, lost connections). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}
