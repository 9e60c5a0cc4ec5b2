// Builds the web app once per test file into a temporary folder, API calls going to the same origin.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const webRoot = fileURLToPath(new URL("../../../web/", import.meta.url));

export interface WebBuild {
  dir: string;
  remove(): void;
}

export async function buildWeb(): Promise<WebBuild> {
  const dir = mkdtempSync(join(tmpdir(), "wc-web-"));
  // The served app and the API share an origin in tests (the test server proxies /api).
  delete process.env.VITE_API_BASE_URL;
  const { build } = await import("vite");
  await build({
    root: webRoot,
    configFile: join(webRoot, "vite.config.ts"),
    logLevel: "error",
    build: { outDir: dir, emptyOutDir: true, sourcemap: false },
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
