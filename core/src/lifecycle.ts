// Process lifecycle shared by the composition roots: the drain delay and one orderly stop per process.
import { z } from 'zod';
import type { Logger } from './logger';

/** How long a stopping process answers /readyz with 503 before it stops accepting (so load balancers notice). */
export const shutdownDrainMs = z.coerce.number().int().min(0).max(60_000).default(0);

/** A stop that takes longer than this ends the process anyway, with a non-zero code. */
export const SHUTDOWN_DEADLINE_MS = 30_000;

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits. A second signal or the deadline ends the
 * process at once, so an orchestrator never waits on a stuck shutdown.
 */
export function onShutdown(log: Logger, stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error({ ms: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long: exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    stop(signal).then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
