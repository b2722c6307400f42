// Where a stream may be restreamed: the destination policy of core (public addresses only, unless the operator
// lists the host in RESTREAM_ALLOWED_HOSTS), checked when targets are saved; the edge checks again on connect.
import { checkDestination, DestinationRefused, type DestinationPolicy } from '@beamline/core';
import type { ControlPlaneConfig } from '../config';
import { Invalid } from '../errors';

export function restreamPolicy(config: Pick<ControlPlaneConfig, 'RESTREAM_ALLOWED_HOSTS'>): DestinationPolicy {
  return { kind: 'restream', allowedHosts: config.RESTREAM_ALLOWED_HOSTS };
}

/** Throws 400 restream_url_invalid | restream_url_not_allowed | restream_host_unresolvable for the first bad URL. */
export async function checkRestreamTargets(
  policy: DestinationPolicy,
  targets: readonly { url: string }[] | undefined,
): Promise<void> {
  for (const [i, target] of (targets ?? []).entries()) {
    try {
      await checkDestination(target.url, policy);
    } catch (err) {
      if (err instanceof DestinationRefused)
        throw Invalid(err.code, err.message, { field: `restreamTargets.${i}.url` });
      throw err;
    }
  }
}
