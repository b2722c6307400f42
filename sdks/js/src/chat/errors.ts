// The error a chat request rejects with: the server's acknowledgement code, or a client-side one.
import type { ChatErrorCode } from '../generated/protocol';

/** Codes the client raises itself, when no answer of the server decides. */
export type ChatClientErrorCode =
  | 'timeout'
  | 'disconnected'
  | 'connect_failed'
  | 'not_configured'
  | 'token_provider_failed'
  | 'upload_failed'
  | 'resync_failed';

export class ChatError extends Error {
  override readonly name = 'ChatError';
  constructor(
    /** A stable code: the server's (`muted`, `slow_mode`, `forbidden`, … — the protocol's chat catalog) or a client one. */
    readonly code: ChatErrorCode | ChatClientErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
