/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` serves the app with hot reload and sends /graphql (HTTP and WebSocket) and /files to a running
// gateway: AURONTEK_GATEWAY (default http://127.0.0.1:3000). A build for another host sets VITE_API_URL.
const gateway = process.env.AURONTEK_GATEWAY ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      // the page is this dev server's, the gateway sees its own origin (as when it serves the app itself)
      "/graphql": { target: gateway, ws: true, changeOrigin: true, headers: { origin: gateway } },
      "/files": { target: gateway, changeOrigin: true },
    },
  },
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 800 },
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}"] },
});
