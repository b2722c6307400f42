// Every index the control plane's collections need, from their owner modules: created once at start-up, awaited
// before the service answers (createControlPlane), never from a route module.
import { CHAT_INDEXES } from '@beamline/chat';
import type { IndexSpec } from '@beamline/core';
import { ACCOUNT_TOKEN_INDEXES } from './accounts/email';
import { TWO_FACTOR_INDEXES } from './accounts/two-factor';
import { BRANDING_INDEXES } from './branding';
import { STATUS_INDEXES } from './ops/status';
import { DATA_REQUEST_INDEXES } from './privacy/records';
import { CONTROL_PLANE_INDEXES } from './repos';
import { STREAM_INDEXES } from './streams/repo';
import { USAGE_INDEXES } from './usage';
import { WEBHOOK_INDEXES } from './webhooks';

export const STORE_INDEXES: IndexSpec[] = [
  ...CONTROL_PLANE_INDEXES,
  ...TWO_FACTOR_INDEXES,
  ...ACCOUNT_TOKEN_INDEXES,
  ...STREAM_INDEXES,
  ...WEBHOOK_INDEXES,
  ...USAGE_INDEXES,
  ...BRANDING_INDEXES,
  ...DATA_REQUEST_INDEXES,
  ...STATUS_INDEXES,
  ...CHAT_INDEXES,
];
