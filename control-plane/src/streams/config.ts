// The streaming variables of the control plane's configuration (the edge link and restream destinations).
import { allowedHostsVar, secret } from '@beamline/core';

export const streamEnv = {
  /** The edge secret being rotated out: still accepted, and signed with beside EDGE_SECRET (self-hosting.md). */
  EDGE_SECRET_PREVIOUS: secret.optional(),
  /** Hosts, IP addresses or CIDR ranges a restream target may reach although they are loopback or private. */
  RESTREAM_ALLOWED_HOSTS: allowedHostsVar,
};
