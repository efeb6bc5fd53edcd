import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";
import Components from "unplugin-vue-components/vite";
import { VantResolver } from "@vant/auto-import-resolver";
import { bootHtml } from "./build/boot.ts";
import { localOnly } from "./build/local-only.ts";
import { precompress } from "./build/precompress.ts";
import { serviceWorker } from "./build/service-worker.ts";

// Served by `suiji serve` at /app/; in development Vite proxies the API to a local server.
export default defineConfig({
  base: "/app/",
  plugins: [
    vue(),
    // Vant components are imported where a template uses them, with their own CSS only.
    Components({ resolvers: [VantResolver()], dts: false }),
    localOnly(),
    bootHtml(),
    serviceWorker(),
    precompress(),
  ],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    assetsInlineLimit: 0, // CSP: no data: URLs beyond images we decide on
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      "/api": process.env.SUIJI_API ?? "http://127.0.0.1:8080",
    },
  },
});
