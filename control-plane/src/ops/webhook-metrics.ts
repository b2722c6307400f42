// Webhook series: attempts counted by result as the sender returns them, and the depth of the pending queue.
import type { Metrics } from '@beamline/core';
import type { ControlPlaneDeps } from '../deps';
import { destinationPolicy } from '../webhooks/endpoints';
import { createSender, type Sender, type SendResult } from '../webhooks/sender';
import { webhookCollections } from '../webhooks/store';

export function attemptResult(result: SendResult): string {
  if (result.refused) return 'refused';
  if (result.status === null) return 'network_error';
  if (result.status >= 200 && result.status < 300) return 'succeeded';
  return `http_${Math.floor(result.status / 100)}xx`;
}

/** The dispatcher's default sender, counting each attempt's result (one labelled child per result). */
export function meteredSender(deps: ControlPlaneDeps, metrics: Metrics): Sender {
  const counters = new Map<string, { inc(): void }>();
  return createSender({
    policy: destinationPolicy(deps.config),
    timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
    now: () => deps.clock.now(),
    onResult: (result) => {
      const label = attemptResult(result);
      let counter = counters.get(label);
      if (!counter) counters.set(label, (counter = metrics.webhookAttempts.labels({ result: label })));
      counter.inc();
    },
  });
}

export function webhookQueueGauge(deps: ControlPlaneDeps, metrics: Metrics): void {
  const { deliveries } = webhookCollections(deps.store).all;
  metrics.gauge('beamline_webhook_queue_depth', 'Webhook deliveries waiting for an attempt (pending).', () =>
    deliveries.count({ status: 'pending' }),
  );
}
