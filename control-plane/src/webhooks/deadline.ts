// Attempt deadlines without a timer per request: the attempts started within one short slice of time share
// one abort signal, which fires once the last of them has had its whole timeout.
import { EventEmitter } from 'node:events';

/** The longest slice: an attempt may run this much past its timeout, never less than the timeout. */
const MAX_SLICE_MS = 100;

/** What a shared signal aborts with; named like the error of AbortSignal.timeout. */
export class AttemptTimedOut extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** An abort signal as undici takes it (an EventEmitter with `aborted` and `reason`), shared by many requests. */
export class SharedSignal extends EventEmitter {
  aborted = false;
  reason: Error | undefined;
  abort(reason: Error) {
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

export interface Deadlines {
  /** The signal for an attempt starting now: it aborts between timeoutMs and timeoutMs + one slice from now. */
  signal(): SharedSignal;
  /** Clears the timers of signals not fired yet (once no attempt is in flight). */
  close(): void;
}

export function sharedDeadlines(timeoutMs: number): Deadlines {
  const sliceMs = Math.min(MAX_SLICE_MS, Math.max(1, Math.floor(timeoutMs / 100)));
  let current: SharedSignal | null = null;
  let currentUntil = 0;
  const timers = new Set<NodeJS.Timeout>();
  return {
    signal() {
      const now = performance.now();
      if (current && now < currentUntil) return current;
      const signal = new SharedSignal();
      signal.setMaxListeners(0); // one listener per attempt in flight
      current = signal;
      currentUntil = now + sliceMs;
      const timer = setTimeout(() => {
        timers.delete(timer);
        signal.abort(new AttemptTimedOut(timeoutMs));
      }, timeoutMs + sliceMs);
      timer.unref(); // the sockets of the attempts keep the process alive, not their deadline
      timers.add(timer);
      return signal;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      current = null;
    },
  };
}
