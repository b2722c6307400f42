// The dashboard is split per route, and what the first screen of each entry point needs stays under 250 KB of
// gzipped JavaScript: log-in (signed out), the apps list (signed in), and the player page while live.
import { describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, ROOT } from '@beamline/testkit/dashboard-build';
import { readManifest, routeWeight } from '../bundle';

const LIMIT = 250 * 1024;

describe('bundle size', () => {
  it('keeps every entry route under 250 KB of gzipped JS, with pages in their own chunks', () => {
    ensureDashboardBuilt();
    const dist = `${ROOT}dashboard/dist`;
    const manifest = readManifest(dist);
    const routes = [
      routeWeight(dist, manifest, '/login', ['src/pages/Login.tsx']),
      routeWeight(dist, manifest, '/apps', ['src/components/AppShell.tsx', 'src/pages/Apps.tsx']),
      routeWeight(dist, manifest, '/watch/:playbackId (live)', ['src/player/Watch.tsx', 'src/player/HlsPlayer.tsx']),
    ];
    for (const r of routes) {
      console.log(
        `${r.route}: ${(r.jsGzipBytes / 1024).toFixed(1)} KB JS + ${(r.cssGzipBytes / 1024).toFixed(1)} KB CSS gzipped in ${r.files.length} files`,
      );
      expect(r.jsGzipBytes, r.route).toBeLessThan(LIMIT);
    }
    // Heavy libraries stay out of the first screen: charts and the video engine load with their pages only.
    const login = routes[0]!.files.join(' ');
    expect(login).not.toMatch(/Analytics|HlsPlayer|realtime/);
    const pages = Object.keys(manifest).filter(
      (k) => k.startsWith('src/pages/') && manifest[k]!.file.includes('assets/'),
    );
    expect(pages.length).toBeGreaterThan(10);
  });
});
