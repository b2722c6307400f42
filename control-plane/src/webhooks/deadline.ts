// Attempt deadlines without a timer per request: the attempts started within one short slice of time share
// one deadline, which ends them once the last of them has had its whole timeout.

/** The longest slice: an attempt may run this much past its timeout, never less than the timeout. */
const MAX_SLICE_MS = 100;

/** What a deadline ends an attempt with; named like the error of AbortSignal.timeout. */
export class AttemptTimedOut extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** An attempt a deadline can end. */
export interface Timeable {
  timedOut(reason: Error): void;
}

/** A deadline shared by the attempts of one slice: each joins it when it starts and leaves when it settles. */
export class SharedDeadline {
  /** Set once the deadline has passed. */
  reason: Error | null = null;
  readonly attempts = new Set<Timeable>();
  end(reason: Error) {
    this.reason = reason;
    for (const attempt of this.attempts) attempt.timedOut(reason);
    this.attempts.clear();
  }
}

export interface Deadlines {
  /** The deadline for an attempt starting now: it ends between timeoutMs and timeoutMs + one slice from now. */
  current(): SharedDeadline;
  /** Clears the timers of deadlines not reached yet (once no attempt is in flight). */
  close(): void;
}

export function sharedDeadlines(timeoutMs: number): Deadlines {
  const sliceMs = Math.min(MAX_SLICE_MS, Math.max(1, Math.floor(timeoutMs / 100)));
  let current: SharedDeadline | null = null;
  let currentUntil = 0;
  const timers = new Set<NodeJS.Timeout>();
  return {
    current() {
      const now = performance.now();
      if (current && now < currentUntil) return current;
      const deadline = new SharedDeadline();
      current = deadline;
      currentUntil = now + sliceMs;
      const timer = setTimeout(() => {
        timers.delete(timer);
        deadline.end(new AttemptTimedOut(timeoutMs));
      }, timeoutMs + sliceMs);
      timer.unref(); // the sockets of the attempts keep the process alive, not their deadline
      timers.add(timer);
      return deadline;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      current = null;
    },
  };
}
