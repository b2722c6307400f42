// A fresh developer account and app on a running platform, in the names the SDK's tests use.
import { newDeveloperApp } from '@beamline/testkit';

export interface TestApp {
  appId: string;
  apiKey: string;
  apiSecret: string;
  accessToken: string;
}

export async function createTestApp(api: string, name = 'SDK test'): Promise<TestApp> {
  const dev = await newDeveloperApp(api, { appName: name });
  return { appId: dev.appId, apiKey: dev.key, apiSecret: dev.secret, accessToken: dev.token };
}
