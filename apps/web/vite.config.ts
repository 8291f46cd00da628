import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const contracts = fileURLToPath(new URL('../../packages/contracts/src/index.ts', import.meta.url));
const contractConstants = fileURLToPath(
  new URL('../../packages/contracts/src/constants.ts', import.meta.url),
);

/**
 * Libraries every page needs: they go into long-lived vendor chunks. ECharts is deliberately absent: only
 * the map, the command-center screen and the case panel's small map use it, all lazily loaded, and the
 * bundler shares its core between them in one chunk.
 */
const REACT_VENDOR =
  /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|i18next|react-i18next|html-parse-stringify|void-elements|cookie|set-cookie-parser)[\\/]/;
const ANTD_VENDOR =
  /[\\/]node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|@babel[\\/]runtime|dayjs|clsx|classnames|stylis|@emotion|throttle-debounce|compute-scroll-into-view|scroll-into-view-if-needed|json2mq|string-convert|is-mobile|resize-observer-polyfill|toggle-selection|copy-to-clipboard)[\\/]/;

export default defineConfig({
  base: '/',
  plugins: [react()],
  resolve: {
    // Most specific first: the TypeBox-free constants entry, then the package itself.
    alias: [
      { find: '@jiedao/contracts/constants', replacement: contractConstants },
      { find: /^@jiedao\/contracts$/, replacement: contracts },
    ],
  },
  server: {
    port: 5173,
    proxy: {
      // Keep the browser's Host so the server's Origin check sees a same-origin request.
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The shared ECharts chunk is ~170 kB gzip; it is lazy-loaded, so only warn beyond that.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'vendor-react', test: REACT_VENDOR, priority: 20 },
            // Only the antd parts the first screen needs; page-specific components (Table, DatePicker…) stay with their pages.
            { name: 'vendor-antd', test: ANTD_VENDOR, priority: 10, tags: ['$initial'] },
          ],
        },
      },
    },
  },
});
