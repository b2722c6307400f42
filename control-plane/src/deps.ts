// What the control plane is built from: main.ts, the all-in-one root and tests fill it once, through
// controlPlaneDeps, from the adapters they opened.
import {
  createMailer,
  type DocumentStore,
  type EventBus,
  type EventPublisher,
  type Logger,
  type Mailer,
  type Metrics,
  type SecretBox,
} from '@beamline/core';
import type { Redis } from 'ioredis';
import type { ControlPlaneConfig } from './config';
import type { Clock } from './context';
import { createAccess, type Access } from './http/access';
import { UsageService } from './usage/service';

/** The adapters a composition root opens; controlPlaneDeps builds the rest from them. */
export interface ControlPlaneAdapters {
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
  /** Account mails; by default SMTP when SMTP_URL is set, else DATA_DIR/outbox. */
  mail?: Mailer;
  /**
   * Where the webhook dispatcher keeps its claims on outbox events: in memory when the store has no writer
   * outside this process (the default then), else in the store with a lease. Tests of several processes on
   * one store ask for 'store'.
   */
  webhookClaims?: 'memory' | 'store';
}

export interface ControlPlaneDeps extends ControlPlaneAdapters {
  mail: Mailer;
  /** Plans, meters, quotas and invoices of this control plane: one per process, started with its workers. */
  usage: UsageService;
  /**
   * This node's caches of what authentication reads (API keys, apps, memberships, developer sessions), kept
   * current by the other nodes' changes on the bus; started and closed with the service.
   */
  access: Access;
}

/** The control plane's dependencies from the adapters: the mailer the config names, the usage service, the caches. */
export function controlPlaneDeps(adapters: ControlPlaneAdapters): ControlPlaneDeps {
  const { config } = adapters;
  const mail =
    adapters.mail ?? createMailer({ smtpUrl: config.SMTP_URL, dataDir: config.DATA_DIR, from: config.MAIL_FROM });
  return { ...adapters, mail, usage: new UsageService(adapters), access: createAccess(adapters) };
}
