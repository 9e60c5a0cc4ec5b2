// Reaches the in-memory store of @vercel/cosmosdb-server. The server builds its account object
// privately when it starts listening; swapping the account class for a subclass that reports
// each new instance is the one seam that gives us the store without forking the package.
import { createRequire } from "node:module";
import type { CosmosStore } from "./cosmos-snapshot.js";

type AccountClass = new (host: string, port: number) => object;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isAccountModule(value: unknown): value is { default: AccountClass } {
  return isRecord(value) && typeof value.default === "function";
}

function isCosmosStore(value: unknown): value is CosmosStore {
  return (
    isRecord(value) &&
    typeof value.read === "function" &&
    isRecord(value.databases) &&
    value.databases._data instanceof Map
  );
}

/** Makes every account the server creates from now on be passed to `onStore`. Call before listen(). */
export function captureCosmosStores(onStore: (store: CosmosStore) => void): void {
  const require = createRequire(import.meta.url);
  const accountModule: unknown = require("@vercel/cosmosdb-server/lib/account/index.js");
  if (!isAccountModule(accountModule)) {
    throw new Error(
      "@vercel/cosmosdb-server changed its account module; snapshots cannot be taken",
    );
  }
  const Account = accountModule.default;
  accountModule.default = class CapturedAccount extends Account {
    constructor(host: string, port: number) {
      super(host, port);
      if (!isCosmosStore(this))
        throw new Error(
          "@vercel/cosmosdb-server changed its store layout; snapshots cannot be taken",
        );
      onStore(this);
    }
  };
}

/**
 * The server advertises https:// account locations even when it serves plain HTTP, so an SDK
 * that follows them (endpoint discovery, the @azure/cosmos default) would speak TLS to a plain
 * port. Rewrites them to http://.
 */
export function advertiseHttpLocations(store: CosmosStore): void {
  const account = store.read();
  if (!isRecord(account)) return;
  for (const key of ["writableLocations", "readableLocations"]) {
    const locations = account[key];
    if (!Array.isArray(locations)) continue;
    for (const location of locations) {
      if (isRecord(location) && typeof location.databaseAccountEndpoint === "string") {
        location.databaseAccountEndpoint = location.databaseAccountEndpoint.replace(
          /^https:/,
          "http:",
        );
      }
    }
  }
}
