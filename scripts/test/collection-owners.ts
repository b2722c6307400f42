// Who owns each collection of the store. Only an owner module calls `store.collection(…)`; everything else imports
// the owner's typed accessors. scripts/test/unit/collection-owners.test.ts checks the sources against this table:
// a new collection, or a new owner module, gets its line here.

/** Collection name → the module(s) that own it (paths from the repository root). */
export const COLLECTION_OWNERS: Readonly<Record<string, readonly string[]>> = {
  // Shared by several workspaces: owners in core.
  apps: ['core/src/owners/apps.ts'],
  api_keys: ['core/src/owners/api-keys.ts'],
  streams: ['core/src/owners/streams.ts'],
  branding: ['core/src/owners/branding.ts'],
  audit_logs: ['core/src/audit.ts'],
  events: ['core/src/events.ts'],

  // The control plane's own.
  users: ['control-plane/src/repos.ts'],
  members: ['control-plane/src/repos.ts'],
  invitations: ['control-plane/src/repos.ts'],
  refresh_tokens: ['control-plane/src/repos.ts'],
  recovery_codes: ['control-plane/src/accounts/two-factor.ts'],
  account_tokens: ['control-plane/src/accounts/email.ts'],
  transcoding_profiles: ['control-plane/src/streams/repo.ts'],
  recordings: ['control-plane/src/streams/repo.ts'],
  webhook_endpoints: ['control-plane/src/webhooks/store.ts'],
  webhook_deliveries: ['control-plane/src/webhooks/store.ts'],
  usage_meters: ['control-plane/src/usage/meters.ts'],
  usage_receipts: ['control-plane/src/usage/meters.ts'],
  invoices: ['control-plane/src/usage/invoices.ts'],
  app_plans: ['control-plane/src/usage/plan-store.ts'],
  billing_customers: ['control-plane/src/usage/payments.ts'],
  analytics_buckets: ['control-plane/src/analytics/buckets.ts'],
  custom_domains: ['control-plane/src/branding/domains.ts'],
  data_requests: ['control-plane/src/privacy/records.ts'],
  status_incidents: ['control-plane/src/ops/status.ts'],

  // Chat's.
  channels: ['chat/src/repos.ts'],
  messages: ['chat/src/repos.ts'],
  published_messages: ['chat/src/repos.ts'],
  message_reactions: ['chat/src/repos.ts'],
  bans: ['chat/src/repos.ts'],
  mutes: ['chat/src/repos.ts'],
  blocklists: ['chat/src/repos.ts'],
  uploads: ['chat/src/repos.ts'],
  chat_settings: ['chat/src/repos.ts'],

  // A benchmark's baseline: bare inserts beside the real writes.
  bench_bare: ['bench/usage/reports.ts'],
};

/**
 * Modules that open collections by a name they are given rather than own: the store adapters, and data-rights
 * export/erasure, which walks the tenant collections the feature modules declare (through tenant views).
 */
export const GENERIC_COLLECTION_USERS: readonly string[] = ['core/src/store/', 'control-plane/src/privacy/apps.ts'];

/**
 * Reads of another module's collection by name not yet moved to the owner's accessor, each with the accessor that
 * replaces it. Keep this empty; an entry is work in progress.
 */
export const PENDING: Readonly<Record<string, string>> = {};

/** The sources checked: every workspace's src/, the scripts and the benchmarks (tests and the dashboard aside). */
export const CHECKED_DIRS = [
  'protocol/src',
  'core/src',
  'control-plane/src',
  'realtime/src',
  'media-edge/src',
  'chat/src',
  'all-in-one/src',
  'sdks/js/src',
  'scripts',
  'bench',
];
