// Collections read by more than one workspace, each with its one owner module here (the audit log's is ../audit.ts,
// the event outbox's ../events.ts); a feature's own collections have their owner in the feature. The table in
// scripts/test/collection-owners.ts lists every owner.
export * from './apps';
export * from './api-keys';
export * from './branding';
export * from './streams';
