// Local bootstrap, run by `npm start` once the host is up: makes sure a demo buyer, seller and
// admin exist, prints their API keys and writes them to .data/demo-accounts.json (mode 0600) for
// scripts. Keys from an earlier run are reused while they still verify; nothing rotates on restart.
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Role } from "@wastecompute/contracts";
import { z } from "zod";
import { addApiKey, createAccountWithKey } from "../http/accounts.js";
import { sha256Hex } from "../http/secrets.js";
import { getAccount } from "../store/accounts.js";
import { findCredential } from "../store/credentials.js";

const DEMO_ROLES = ["buyer", "seller", "admin"] as const satisfies readonly Role[];
type DemoRole = (typeof DEMO_ROLES)[number];

const DemoAccountSchema = z.object({ id: z.string(), apiKey: z.string() });
const DemoFileSchema = z.object({
  apiUrl: z.string(),
  buyer: DemoAccountSchema,
  seller: DemoAccountSchema,
  admin: DemoAccountSchema,
});
type DemoAccount = z.infer<typeof DemoAccountSchema>;

const demoAccountId = (role: DemoRole): string => `demo-${role}`;

async function readPrevious(file: string): Promise<Partial<Record<DemoRole, DemoAccount>>> {
  try {
    const parsed = DemoFileSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

async function stillValid(account: DemoAccount | undefined): Promise<boolean> {
  if (account === undefined) return false;
  const credential = await findCredential(sha256Hex(account.apiKey));
  return (
    credential?.kind === "apiKey" &&
    credential.revokedAt === undefined &&
    credential.accountId === account.id
  );
}

async function ensureDemoAccount(
  role: DemoRole,
  previous: DemoAccount | undefined,
): Promise<DemoAccount> {
  if (previous !== undefined && (await stillValid(previous))) return previous;
  const id = demoAccountId(role);
  if ((await getAccount(id)) !== undefined) {
    const issued = await addApiKey(id);
    if (issued === undefined) throw new Error(`demo account ${id} vanished`);
    return { id, apiKey: issued.apiKey };
  }
  const made = await createAccountWithKey(
    {
      name: `Demo ${role}`,
      email: `${role}@demo.wastecompute.local`,
      roles: [role],
      research: false,
    },
    id,
  );
  return { id, apiKey: made.apiKey };
}

async function main(): Promise<void> {
  const dataDir = resolve(process.env.WC_DATA_DIR ?? ".data");
  const file = resolve(dataDir, "demo-accounts.json");
  const apiUrl = process.env.API_URL ?? "http://127.0.0.1:7071";
  const previous = await readPrevious(file);
  const accounts = {} as Record<DemoRole, DemoAccount>;
  for (const role of DEMO_ROLES) accounts[role] = await ensureDemoAccount(role, previous[role]);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ apiUrl, ...accounts }, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  // Printing the demo keys is the point of this local-only script (they are also in the file).
  console.log(`Demo accounts (also in ${file}):`);
  for (const role of DEMO_ROLES)
    console.log(`  ${role.padEnd(6)} ${accounts[role].id.padEnd(12)} ${accounts[role].apiKey}`);
}

main().catch((error: unknown) => {
  console.error(`seed-demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
