import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API server `vite dev` forwards to (docs/web.md): `npm start` in another terminal. */
const API = process.env.UPKEEP_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Every browser the app supports has modulepreload: no polyfill in the entry chunk.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: Object.fromEntries(['/v1', '/docs', '/openapi.json', '/health'].map((p) => [p, API])),
  },
});
