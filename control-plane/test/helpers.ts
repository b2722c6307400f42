// An in-process control plane on a fresh embedded store, with testkit's JSON client over app.request().
import { createEventPublisher, EmbeddedStore, InProcessBus, SecretBox, createLogger } from '@beamline/core';
import { tempDir } from '@beamline/core/testing';
import { ApiClient } from '@beamline/testkit/api';
import { randomBytes } from 'node:crypto';
import { controlPlaneDeps, createControlPlane, parseControlPlaneConfig, systemClock, type ControlPlane } from '../src';
import type { Clock } from '../src/context';
import type { ControlPlaneDeps } from '../src/deps';

export { ApiClient, type ApiResponse, type Auth } from '@beamline/testkit/api';

export interface TestControlPlane {
  cp: ControlPlane;
  api: ApiClient;
  store: EmbeddedStore;
  bus: InProcessBus;
  box: SecretBox;
  /** What the control plane was built from, for building its parts (a dispatcher) on the same store. */
  deps: ControlPlaneDeps;
  dataDir: string;
  close(): Promise<void>;
}

/** A test control plane's configuration: fresh secrets, data under `dataDir`, quiet logs; `env` on top. */
export function testConfig(dataDir: string, env: Record<string, string> = {}) {
  return parseControlPlaneConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    EDGE_SECRET: randomBytes(32).toString('hex'),
    MASTER_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...env,
  });
}

export async function buildTestControlPlane(
  env: Record<string, string> = {},
  clock: Clock = systemClock,
): Promise<TestControlPlane> {
  const dir = tempDir();
  const config = testConfig(dir.path, env);
  const store = new EmbeddedStore({ dataDir: dir.path });
  const bus = new InProcessBus();
  const box = new SecretBox(Buffer.from(config.MASTER_KEY, 'hex'));
  const deps = controlPlaneDeps({
    config,
    store,
    bus,
    events: createEventPublisher({ store, bus }),
    log: createLogger({ name: 'test', level: 'silent', pretty: false }),
    clock,
    secretBox: box,
  });
  const cp = await createControlPlane(deps);
  return {
    cp,
    store,
    bus,
    box,
    deps,
    dataDir: dir.path,
    api: new ApiClient((path, init) => cp.http.app.request(path, init)),
    close: async () => {
      await cp.close();
      await store.close();
      dir.remove();
    },
  };
}

/** Serves a test control plane on a loopback port: a client that calls it over real HTTP, and its base URL. */
export async function overLoopback(t: TestControlPlane): Promise<{ api: ApiClient; base: string }> {
  const { port } = await t.cp.listen(0, '127.0.0.1', { workers: false });
  const base = `http://127.0.0.1:${port}`;
  return { base, api: ApiClient.at(base) };
}
