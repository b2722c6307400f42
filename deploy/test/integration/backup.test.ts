// npm run backup / npm run restore: a backup taken while the platform runs restores to the same
// accounts, apps, streams and working API secrets; damaged backups and occupied data dirs are refused.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@beamline/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestPlatform, testEnv } from '@beamline/testkit';
import { startPlatform } from '@beamline/all-in-one';

const root = join(import.meta.dirname, '..', '..', '..');
const cleanup: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** Runs one of the npm scripts as the operator would. */
function run(script: 'backup' | 'restore', args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: '' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('backup and restore of the embedded store', () => {
  it('restores what was acknowledged before the backup, and only that', async () => {
    const platform = await startTestPlatform(); // one platform per process at a time (RTMP ingest)
    const api = new ApiClient((path, init) => fetch(platform.urls.api + path, init));
    const dev = await api.register();
    const app = await api.createApp(dev.token, 'backed-up');
    const before = await api.call('POST', `/v1/apps/${app.appId}/streams`, {
      auth: { basic: [app.key, app.secret] },
      body: { name: 'before the backup' },
    });
    expect(before.status).toBe(201);

    const backups = tempDir('beamline-backups-');
    cleanup.push(() => backups.remove());
    const out = join(backups.path, 'b1');
    const backup = run('backup', ['--data-dir', platform.dataDir, '--out', out]); // while it runs
    expect(backup.code, backup.out).toBe(0);
    expect(backup.out).toMatch(/backup written to .*b1: \d+ collections, \d+ documents/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.collections.streams.documents).toBe(1);
    expect(manifest.files['secrets.json']).toBeDefined();

    const after = await api.call('POST', `/v1/apps/${app.appId}/streams`, {
      auth: { basic: [app.key, app.secret] },
      body: { name: 'after the backup' },
    });
    expect(after.status).toBe(201);
    await platform.close();

    const env = await testEnv();
    cleanup.push(() => rmSync(env.DATA_DIR!, { recursive: true, force: true }));
    const restore = run('restore', [out, '--data-dir', env.DATA_DIR!]);
    expect(restore.code, restore.out).toBe(0);
    const restored = await startPlatform(env);
    try {
      const again = new ApiClient((path, init) => fetch(restored.urls.api + path, init));
      const login = await again.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } });
      expect(login.status).toBe(200);
      // the API secret still opens the app: the sealed secrets came back with their master key
      const streams = await again.call('GET', `/v1/apps/${app.appId}/streams`, {
        auth: { basic: [app.key, app.secret] },
      });
      expect(streams.status).toBe(200);
      expect(streams.body.data.map((s: any) => s.id)).toEqual([before.body.id]);
    } finally {
      await restored.stop();
    }
  });

  it('refuses a damaged backup and an occupied data dir, and keeps the replaced store aside with --force', async () => {
    const env = await testEnv();
    cleanup.push(() => rmSync(env.DATA_DIR!, { recursive: true, force: true }));
    const platform = await startPlatform(env);
    const api = new ApiClient((path, init) => fetch(platform.urls.api + path, init));
    await api.register();
    await platform.stop();

    const backups = tempDir('beamline-backups-');
    cleanup.push(() => backups.remove());
    const good = join(backups.path, 'good');
    expect(run('backup', ['--data-dir', env.DATA_DIR!, '--out', good]).code).toBe(0);
    expect(run('backup', ['--data-dir', env.DATA_DIR!, '--out', good]).out).toContain('already exists');

    const occupied = run('restore', [good, '--data-dir', env.DATA_DIR!]);
    expect(occupied.code).toBe(1);
    expect(occupied.out).toContain('already holds a store');

    const forced = run('restore', [good, '--data-dir', env.DATA_DIR!, '--force']);
    expect(forced.code, forced.out).toBe(0);
    expect(readdirSync(env.DATA_DIR!).some((f) => f.startsWith('store.before-restore-'))).toBe(true);

    const damaged = join(backups.path, 'damaged');
    expect(run('backup', ['--data-dir', env.DATA_DIR!, '--out', damaged]).code).toBe(0);
    const file = join(damaged, 'store', 'users.db');
    expect(existsSync(file)).toBe(true);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"email":"/, '"email":"x'));
    const empty = tempDir();
    cleanup.push(() => empty.remove());
    const refused = run('restore', [damaged, '--data-dir', empty.path]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('store/users.db does not match its checksum');
    expect(existsSync(join(empty.path, 'store'))).toBe(false);

    expect(run('restore', [join(backups.path, 'nothing-here'), '--data-dir', empty.path]).out).toContain(
      'manifest.json is missing',
    );
  });
});
