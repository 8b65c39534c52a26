// Builds the dashboard SPA (src/web/client) into dist/web; the server plugin serves it and builds it on demand.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./client'),
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npx vite --config src/web/vite.config.ts` during UI work: API calls go to a running `dropsync serve`.
    proxy: { '/web/api': 'http://127.0.0.1:7400', '/web/session': 'http://127.0.0.1:7400', '/web/events': 'http://127.0.0.1:7400', '/web/preview': 'http://127.0.0.1:7400' },
  },
});
