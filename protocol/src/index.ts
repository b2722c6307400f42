// The wire contract every part imports.
export * from './events';
export * from './errors';
export * from './ids';
export * from './tokens';
export * from './webhooks';
export * from './realtime';
