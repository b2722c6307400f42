// What the control plane is built from; main.ts (or the all-in-one root) fills it once.
import type { DocumentStore, EventBus, EventPublisher, Logger, Mailer, Metrics, SecretBox } from '@beamline/core';
import type { Redis } from 'ioredis';
import type { ControlPlaneConfig } from './config';
import type { Clock } from './context';

export interface ControlPlaneDeps {
  config: ControlPlaneConfig;
  store: DocumentStore;
  bus: EventBus;
  /** Writes platform events to the outbox and the bus. */
  events: EventPublisher;
  log: Logger;
  clock: Clock;
  secretBox: SecretBox;
  /** Shared counters (rate limits) in cluster mode; absent on one node. */
  redis?: Redis;
  /** Prometheus series of this process; absent, the service keeps no metrics. */
  metrics?: Metrics;
  /** Account mails; by default SMTP when SMTP_URL is set, else DATA_DIR/outbox (security/mail.ts). */
  mail?: Mailer;
  /**
   * Where the webhook dispatcher keeps its claims on outbox events: in memory when the store has no writer
   * outside this process (the default then), else in the store with a lease. Tests of several processes on
   * one store ask for 'store'.
   */
  webhookClaims?: 'memory' | 'store';
}
