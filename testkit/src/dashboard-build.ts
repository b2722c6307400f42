// The dashboard build that tests serve or measure, made once when none exists.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's root, with a trailing slash. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Builds the dashboard when no build exists, so the control plane has something to serve. */
export function ensureDashboardBuilt(): void {
  if (existsSync(`${ROOT}dashboard/dist/index.html`)) return;
  console.log('dashboard/dist is missing: building it first');
  // A production build, as `npm run build` makes it: vitest sets NODE_ENV=test, which would bundle React's
  // development build and leave the size checks measuring the wrong thing.
  execFileSync('npm', ['run', 'build', '--workspace', 'dashboard', '--silent'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
