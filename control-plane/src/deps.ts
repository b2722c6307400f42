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
}
