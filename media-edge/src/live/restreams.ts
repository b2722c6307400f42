// A live session's restreams: one supervised ffmpeg per target, its destination checked before every connection,
// and the status of each as the control plane shows it to the tenant.
import { DestinationRefused, resolveDestination, type DestinationPolicy, type Logger } from '@beamline/core';
import type { PublishAllow, RestreamReport, RestreamState } from '@beamline/protocol/edge';
import { restreamArgs } from '../ladder/args';
import { SupervisedFfmpeg, type RunnerOptions } from '../ladder/runner';

/**
 * What the tenant sees of a failed restream: never the address or the network's answer (that would make the
 * edge a port scanner for whoever sets a target); the edge's log has the details.
 */
export const RESTREAM_ERRORS = {
  not_allowed: 'The destination is not allowed: restream targets must be public addresses.',
  unreachable: 'Could not connect to the destination, or it closed the connection.',
} as const;

export interface RestreamDeps {
  ffmpegPath: string;
  log: Logger;
  /** Where restreams may connect (RESTREAM_ALLOWED_HOSTS). */
  policy: DestinationPolicy;
}

export type RestreamTarget = PublishAllow['restreamTargets'][number];

class Restream {
  status: RestreamState = 'connecting';
  error: string | undefined;
  /** The last check refused the destination (as opposed to failing to reach it). */
  private refused = false;
  /** The address the last check passed, which ffmpeg connects to (rtmp://), so DNS cannot change between. */
  private address: string | undefined;
  readonly runner: SupervisedFfmpeg;

  constructor(deps: RestreamDeps, target: RestreamTarget, attach: RunnerOptions['attach']) {
    this.runner = new SupervisedFfmpeg({
      name: `restream ${target.id}`,
      ffmpegPath: deps.ffmpegPath,
      log: deps.log,
      build: () => restreamArgs(target, this.address),
      attach,
      maxRestarts: 1_000,
      restartDelayMs: 3_000,
      // DNS may have changed since the target was saved: checked before every connection
      preflight: async () => {
        try {
          const checked = await resolveDestination(target.url, deps.policy);
          this.address = checked.addresses?.[0];
          this.refused = false;
        } catch (err) {
          this.refused = err instanceof DestinationRefused && err.reason !== 'host_unresolvable';
          deps.log.warn(
            { err, target: target.id, address: err instanceof DestinationRefused ? err.address : undefined },
            'restream destination refused',
          );
          throw err;
        }
      },
      onSpeed: () => {
        this.status = 'active';
        this.error = undefined;
      },
      onState: (state, detail) => {
        if (state === 'restarting' || state === 'failed') {
          this.status = 'failed';
          this.error = this.refused ? RESTREAM_ERRORS.not_allowed : RESTREAM_ERRORS.unreachable;
          deps.log.info({ target: target.id, detail }, 'restream failed');
        } else if (state === 'running') this.status = this.status === 'active' ? 'active' : 'connecting';
        else this.status = 'stopped';
      },
    });
  }
}

/** The restreams of one publisher's connection; a resumed publisher gets a new set. */
export class Restreams {
  private readonly running = new Map<string, Restream>();

  constructor(private readonly deps: RestreamDeps) {}

  /** Starts one restream per target, each fed from the publisher through `attach`. */
  start(targets: readonly RestreamTarget[], attach: RunnerOptions['attach']): void {
    for (const target of targets) {
      const restream = new Restream(this.deps, target, attach);
      this.running.set(target.id, restream);
      restream.runner.start();
    }
  }

  get size(): number {
    return this.running.size;
  }

  /** Each target's status for the stats report. */
  report(): Record<string, RestreamReport> {
    return Object.fromEntries(
      [...this.running].map(([id, r]) => [id, { status: r.status, ...(r.error ? { error: r.error } : {}) }]),
    );
  }

  /** Forgets every restream and hands back its runner for the caller to stop. */
  takeRunners(): SupervisedFfmpeg[] {
    const runners = [...this.running.values()].map((r) => r.runner);
    this.running.clear();
    return runners;
  }
}
