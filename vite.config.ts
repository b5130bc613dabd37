import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev` finds the API server (scripts/dev.ts starts it there). */
const apiTarget = `http://127.0.0.1:${process.env.API_PORT ?? '8787'}`;

/**
 * `vite build` → `dist/`, served by the lab server from `/`.
 * `vite build --mode offline` (`npm run build:offline`) → `dist-offline/`: the static site in which
 * msw plays the server. Its base is relative, so it works from any folder of any static host, and
 * `import.meta.env.VITE_LAB_OFFLINE` reads '1' in it (and is undefined in every other mode, even
 * with the variable set in the shell).
 */
export default defineConfig(({ mode }) => {
  const offline = mode === 'offline';
  return {
    base: offline ? './' : '/',
    plugins: [react()],
    define: {
      'import.meta.env.VITE_LAB_OFFLINE': offline ? JSON.stringify('1') : 'undefined',
    },
    server: {
      host: '127.0.0.1',
      port: 5173,
      strictPort: true,
      proxy: {
        '/api': { target: apiTarget, ws: true, changeOrigin: false },
      },
    },
    build: { outDir: offline ? 'dist-offline' : 'dist', sourcemap: true },
  };
});
