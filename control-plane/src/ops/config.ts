// Configuration of the operator endpoints: which components the status page probes, and how often.
import { shutdownDrainMs, storeUrlEnv } from '@beamline/core';
import { z } from 'zod';

export const opsEnv = {
  /**
   * Health URLs the status page probes, as comma-separated `name=url` pairs
   * (`realtime-1=http://realtime-1:8081/readyz,media-edge=http://edge:8000/readyz`).
   * Unset: REALTIME_PUBLIC_URL and HLS_PUBLIC_URL with /readyz.
   */
  STATUS_COMPONENTS: z
    .string()
    .regex(
      /^\s*[a-z0-9][a-z0-9_.-]*=https?:\/\/[^,\s]+(\s*,\s*[a-z0-9][a-z0-9_.-]*=https?:\/\/[^,\s]+)*\s*$/,
      'must be comma-separated name=http(s)://url pairs',
    )
    .optional(),
  STATUS_PROBE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
  SHUTDOWN_DRAIN_MS: shutdownDrainMs,
  /** `npm run cluster` without MongoDB: the embedded store the cluster shares over loopback. */
  STORE_URL: storeUrlEnv,
};
