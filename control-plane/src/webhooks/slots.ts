// What first attempts and retries share: the request slots (at most WEBHOOK_CONCURRENCY attempts in flight),
// the sender, and what follows a recorded attempt.
import type { Logger, SecretBox } from '@beamline/core';
import type { ControlPlaneConfig } from '../config';
import type { Clock } from '../context';
import type { AttemptVerdict } from './attempt';
import type { Sender } from './sender';
import type { WebhookEndpointDoc } from './store';

/** Requests in flight; a slot is free again once the answer is in, before the result is recorded. */
export class RequestSlots {
  private readonly inFlight = new Set<object>();
  /** Set while the dispatcher stops: nothing new is claimed, though claimed first attempts still start. */
  stopping = false;

  constructor(
    readonly capacity: number,
    /** Runs each time a slot is given back. */
    private readonly onFreed: () => void,
  ) {}

  get busy(): number {
    return this.inFlight.size;
  }

  /** Slots left for new claims (none while stopping). */
  free(): number {
    return this.stopping ? 0 : this.capacity - this.inFlight.size;
  }

  /** Whether an attempt already claimed may start now. */
  open(): boolean {
    return this.inFlight.size < this.capacity;
  }

  take(slot: object): void {
    this.inFlight.add(slot);
  }

  /** Gives a slot back; a second release of the same slot does nothing. */
  release(slot: object): void {
    if (this.inFlight.delete(slot)) this.onFreed();
  }
}

export interface AttemptDeps {
  config: ControlPlaneConfig;
  clock: Clock;
  secretBox: SecretBox;
  log: Logger;
  sender: Sender;
  slots: RequestSlots;
  /** What follows a recorded attempt: a retry's timer, and the endpoint's run of failures. */
  afterVerdict(endpoint: WebhookEndpointDoc, verdict: AttemptVerdict, at: Date): Promise<unknown> | undefined;
}
