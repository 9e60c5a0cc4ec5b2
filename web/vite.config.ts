// Multi-page build (landing, dashboard, docs) with the contracts read straight from source, and a
// dev proxy so the browser calls the Function host through the same origin (no CORS in dev).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

function absoluteUrl(value: string | undefined): string | undefined {
  return value !== undefined && /^https?:\/\//.test(value) ? value : undefined;
}

const apiTarget =
  absoluteUrl(process.env.WC_API_PROXY_TARGET) ?? absoluteUrl(process.env.VITE_API_BASE_URL);

export default defineConfig({
  root: here("."),
  resolve: { alias: { "@wastecompute/contracts": here("../contracts/src/index.ts") } },
  server: apiTarget ? { proxy: { "/api": { target: apiTarget, changeOrigin: true } } } : {},
  preview: apiTarget ? { proxy: { "/api": { target: apiTarget, changeOrigin: true } } } : {},
  build: {
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      input: {
        index: here("index.html"),
        dashboard: here("dashboard.html"),
        docs: here("docs.html"),
      },
    },
  },
});
