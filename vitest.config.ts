import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const contractsSource = fileURLToPath(new URL("./contracts/src/index.ts", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@wastecompute/contracts": contractsSource } },
  test: {
    include: [
      "contracts/src/**/*.test.ts",
      "functions/**/*.test.ts",
      "agent/src/**/*.test.ts",
      "devhost/src/**/*.test.ts",
      "devhost/test/**/*.test.ts",
      "tests/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", "**/dist/**"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
