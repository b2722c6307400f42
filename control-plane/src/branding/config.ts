// The player page's variables of the control plane's configuration.
import { z } from 'zod';

export const guestEnv = {
  /** New guest identities (browsers without a guest cookie) one address may get per hour on player pages. */
  GUEST_IDENTITIES_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(30),
  /** New guest identities one stream's player page may hand out per minute, across all addresses. */
  GUEST_IDENTITIES_PER_STREAM_PER_MINUTE: z.coerce.number().int().min(1).default(600),
};
