// Production build of the dashboard: one chunk per route, served by the control plane from dist/.
import { defineConfig } from 'vite';

export default defineConfig({
  root: __dirname,
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // dist/.vite/manifest.json: which chunks each route loads (the bundle-size test reads it).
    manifest: true,
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      // react-router marks its modules "use client" for server components; meaningless in a client bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: { '/v1': 'http://localhost:8080' },
  },
});
