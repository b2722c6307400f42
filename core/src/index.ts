// Server-side building blocks shared by the services: store, bus, rate limits, crypto, config, logs.
export * from './store';
export * from './bus';
export * from './config';
export * from './crypto';
export * from './destination';
export * from './logger';
export * from './ratelimit';
export * from './secrets';
export * from './apikeys';
export * from './events';
export * from './jwtkeys';
export * from './metrics';
export * from './lifecycle';
export * from './mail';
export * from './origins';
export * from './privacy';
export * from './service-root';
