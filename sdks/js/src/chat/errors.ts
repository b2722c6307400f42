// The error a chat request rejects with: the server's acknowledgement code, or a client-side one.

export class ChatError extends Error {
  override readonly name = 'ChatError';
  constructor(
    /** A stable code: the server's (`muted`, `slow_mode`, `forbidden`, …) or `timeout`, `disconnected`. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
