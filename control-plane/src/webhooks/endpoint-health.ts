// An endpoint's run of failures: a success ends it, a delivery that failed for good adds to it, and an endpoint
// that keeps failing is disabled once, with a webhook.disabled event.
import type { Logger } from '@beamline/core';
import type { ControlPlaneDeps } from '../deps';
import type { AttemptVerdict } from './attempt';
import { webhookCollections, type WebhookEndpointDoc } from './store';

export interface EndpointHealth {
  /** After an attempt is recorded; nothing to wait for in the usual case (a success, no failures before). */
  recorded(endpoint: WebhookEndpointDoc, outcome: AttemptVerdict['outcome'], at: Date): Promise<unknown> | undefined;
}

export function endpointHealth(
  deps: Pick<ControlPlaneDeps, 'config' | 'store' | 'events'>,
  log: Logger,
): EndpointHealth {
  const endpoints = webhookCollections(deps.store).all.endpoints;

  async function countFailure(endpoint: WebhookEndpointDoc, at: Date) {
    const after = await endpoints.updateOne({ id: endpoint.id }, { inc: { consecutiveFailures: 1 } });
    if (!after || !after.enabled || after.consecutiveFailures < deps.config.WEBHOOK_DISABLE_AFTER_FAILURES) return;
    const reason = `${after.consecutiveFailures} deliveries in a row failed`;
    // Only the process whose update flips `enabled` records the event, so it is recorded once.
    const disabled = await endpoints.updateOne(
      { id: endpoint.id, enabled: true },
      { set: { enabled: false, disabledAt: at.toISOString(), disabledReason: reason, updatedAt: at.toISOString() } },
    );
    if (disabled) {
      log.warn({ webhookId: endpoint.id, appId: endpoint.appId, reason }, 'webhook endpoint disabled');
      await deps.events.publish(endpoint.appId, 'webhook.disabled', { webhookId: endpoint.id, reason });
    }
  }

  return {
    recorded(endpoint, outcome, at) {
      if (outcome === 'failed') return countFailure(endpoint, at);
      if (outcome === 'succeeded' && endpoint.consecutiveFailures > 0)
        return endpoints.updateOne({ id: endpoint.id }, { set: { consecutiveFailures: 0 } });
      return undefined;
    },
  };
}
