// When the dispatcher runs a pass: on its poll, on retry timers, and on request (an event announced, a slot
// freed, a poke). One pass runs at a time; a request during a pass runs another right after it.

export interface PassSchedule {
  /** Asks for a pass in `inMs` (a later poll covers waits longer than the poll interval). */
  schedule(inMs: number): void;
  /** Runs a pass now that looks for due retries too; resolves when it has claimed. */
  poke(): Promise<void>;
  /** Starts the poll and runs a first pass. */
  start(): void;
  /** Asks for no more passes and clears the timers. */
  stop(): void;
  /** Resolves once the pass running now (if any) has ended. */
  settled(): Promise<void>;
}

/**
 * `pass(withRetries)` claims work; it looks for due retries only when asked, and answers whether it may have
 * left some behind for want of room. Due retries are looked for on the poll and on retry timers; passes that
 * refill after finished attempts only take new events, unless the last look left retries behind.
 */
export function passSchedule(pollIntervalMs: number, pass: (withRetries: boolean) => Promise<boolean>): PassSchedule {
  let stopping = false;
  let running: Promise<void> | null = null;
  let again = false;
  let wantRetries = true;
  let pollTimer: NodeJS.Timeout | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const withRetries = wantRetries;
        wantRetries = false;
        if (await pass(withRetries)) wantRetries = true;
      } while (again && !stopping);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(inMs: number) {
    if (stopping) return;
    if (inMs <= 0) {
      void run();
      return;
    }
    if (inMs >= pollIntervalMs) return;
    clearTimeout(wakeTimer);
    wakeTimer = setTimeout(() => {
      wantRetries = true;
      void run();
    }, inMs);
  }

  function poll() {
    pollTimer = setTimeout(() => {
      wantRetries = true;
      void run().finally(() => !stopping && poll());
    }, pollIntervalMs);
  }

  return {
    schedule,
    poke() {
      wantRetries = true;
      return run();
    },
    start() {
      stopping = false;
      poll();
      void run();
    },
    stop() {
      stopping = true;
      clearTimeout(pollTimer);
      clearTimeout(wakeTimer);
    },
    settled: async () => {
      await running;
    },
  };
}
