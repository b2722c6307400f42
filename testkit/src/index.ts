// @beamline/testkit: what every workspace's tests share — the platform harness, the API client and the developer's
// app, ffmpeg and ffprobe, Chromium, a Socket.IO test client, a DNS server and an HTTP receiver on loopback. Each
// module is also its own entry (`@beamline/testkit/api`), for unit tests that should not load the whole platform.
export { freePort, startRedis, tempDir, waitFor, type RedisServer } from '@beamline/core/testing';
export { ApiClient, newDeveloperApp, type ApiResponse, type Auth, type DeveloperApp, type Fetcher } from './api';
export { launchChromium, screenshot, SCREENSHOTS, watchConsole } from './browser';
export { ensureDashboardBuilt, ROOT } from './dashboard-build';
export { startTestDnsServer, type TestDnsServer } from './dns-server';
export { startEdgeTest, waitForStatus, type EdgeTest } from './edge';
export { ffprobe, isListening, publish, type ProbedStream, type Publisher } from './media';
export { spawnPlatform, startTestPlatform, testEnv, type PlatformProcess, type TestPlatform } from './platform';
export { startReceiver, type Answer, type Received, type Receiver } from './receiver';
export { connect, refusal, type TestClient } from './socket';
