import { defineConfig } from 'vite';

// The web UI: built into web-dist/, served by `flowlens serve` from its HTTP listener.
// JSX is compiled by Vite's built-in transform (no React plugin needed: no fast refresh in dev).
export default defineConfig({
  root: 'src/web',
  base: '/',
  build: { outDir: '../../web-dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  esbuild: { jsx: 'automatic' },
  server: { proxy: { '/api': 'http://127.0.0.1:4000', '/healthz': 'http://127.0.0.1:4000' } },
});
