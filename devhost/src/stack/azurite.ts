// How to run Azurite (the Azure Storage emulator) from this install, with data on disk.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { z } from "zod";

const azuritePackage = z.object({ bin: z.object({ azurite: z.string() }) });

/** Absolute path of Azurite's CLI script, run with this Node (no shell wrapper needed). */
export function azuriteScript(): string {
  const require = createRequire(import.meta.url);
  const packageJsonPath = require.resolve("azurite/package.json");
  const { bin } = azuritePackage.parse(require(packageJsonPath));
  return join(dirname(packageJsonPath), bin.azurite);
}

export interface AzuriteOptions {
  location: string;
  host: string;
  blobPort: number;
  queuePort: number;
  tablePort: number;
}

export function azuriteArgs(options: AzuriteOptions): string[] {
  return [
    "--location",
    options.location,
    "--blobHost",
    options.host,
    "--queueHost",
    options.host,
    "--tableHost",
    options.host,
    "--blobPort",
    String(options.blobPort),
    "--queuePort",
    String(options.queuePort),
    "--tablePort",
    String(options.tablePort),
    // Newer SDKs send API versions this Azurite may not know yet; relaxed checks match the cloud closely enough.
    "--skipApiVersionCheck",
    "--loose",
    "--disableTelemetry",
    // Without this Azurite prints an access-log line per request, drowning the app's own output.
    "--silent",
  ];
}
