// The realtime service, the Socket.IO transport of the chat domain (@beamline/chat): the all-in-one root and tests
// build nodes with it.
export { createRealtimeNode, DEFAULT_FLOOD_LIMITS, type RealtimeDeps, type RealtimeNode } from './server';
export { parseRealtimeConfig, realtimeEnv, type RealtimeConfig } from './config';
export { realtimeDeps, type RealtimeAdapters } from './deps';
