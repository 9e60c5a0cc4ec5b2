// The web app end to end: the built app served in front of a private local stack (Azurite, the
// Cosmos server, the Function App under devhost) with one real seller agent, driven in chromium.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eventually } from "../support/api-client.js";
import { startTestStack, type TestStack } from "../support/stack.js";
import {
  collectErrors,
  horizontalOverflow,
  launchBrowser,
  newContext,
  seriousAxeViolations,
} from "./support/browser.js";
import {
  factText,
  goTo,
  signIn,
  submitJob,
  terminalLines,
  waitForTerminalLine,
} from "./support/dashboard.js";
import { screenshot } from "./support/screenshots.js";
import { buildWeb, type WebBuild } from "./support/web-build.js";
import { proxyTo, startWebServer, type WebServer } from "./support/web-server.js";

// Software WebGL and a shared 2-core machine make browser steps slow: give them room.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const agentCli = join(repoRoot, "agent/dist/cli.js");

let stack: TestStack;
let build: WebBuild;
let server: WebServer;
let browser: Browser;
let scratch: string;
let agent: ChildProcess | undefined;
const agentOutput: string[] = [];

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [agentCli, ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

async function startSellerAgent(): Promise<void> {
  const env = { ...process.env, WC_AGENT_CONFIG: join(scratch, "agent.json"), NO_COLOR: "1" };
  const registered = await runCli(
    [
      "register",
      "--json",
      "--api",
      stack.apiUrl,
      "--key",
      stack.keys.seller,
      "--name",
      "web-e2e-node",
      "--region",
      "DE",
      "--timezone",
      "UTC",
      "--slots",
      "2",
      "--max-owner-load",
      "1",
    ],
    env,
  );
  if (registered.code !== 0) throw new Error(`agent register failed: ${registered.stderr}`);
  agent = spawn(
    process.execPath,
    [
      agentCli,
      "run",
      "--json",
      "--state-dir",
      join(scratch, "state"),
      "--work-root",
      join(scratch, "work"),
      "--kill-grace",
      "1",
    ],
    { env },
  );
  agent.stdout?.on("data", (d: Buffer) => agentOutput.push(d.toString()));
  agent.stderr?.on("data", (d: Buffer) => agentOutput.push(d.toString()));
}

beforeAll(async () => {
  if (!existsSync(agentCli)) throw new Error(`${agentCli} is missing: run \`npm run build\` first`);
  scratch = await mkdtemp(join(tmpdir(), "wc-web-e2e-"));
  // The sandboxed job's unprivileged user must be able to enter the work dirs under here.
  await chmod(scratch, 0o711);
  [stack, build] = await Promise.all([
    startTestStack({
      env: {
        WC_HEARTBEAT_INTERVAL_SEC: "1",
        WC_NODE_STALE_SEC: "6",
        WC_ACCEPT_TIMEOUT_SEC: "20",
        WC_PLACEMENT_RETRY_SEC: "1",
      },
    }),
    buildWeb(),
  ]);
  await startSellerAgent();
  server = await startWebServer(build.dir, proxyTo(stack.apiUrl));
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (agent && agent.exitCode === null) agent.kill("SIGKILL");
  await stack?.stop();
  build?.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Runs a wait; when it fails, the message carries the latest job, the agent's log and host errors. */
async function withDiagnostics(wait: () => Promise<void>): Promise<void> {
  try {
    await wait();
  } catch (error) {
    const latest = await fetch(`${stack.apiUrl}/api/jobs?limit=1`, {
      headers: { authorization: `Bearer ${stack.keys.buyer}` },
    }).then((r) => r.text(), String);
    const hostErrors = stack
      .hostOutput()
      .split("\n")
      .filter((line) => /ERROR|WARN/.test(line))
      .slice(-20)
      .join("\n");
    throw new Error(
      `${String(error)}\nlatest job: ${latest}\nagent: ${agentOutput.join("").slice(-2000)}\nhost errors:\n${hostErrors}`,
    );
  }
}

async function openPage(
  path: string,
): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await newContext(browser);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${server.url}${path}`);
  return { page, errors, close: () => context.close() };
}

async function buyerConsole() {
  const opened = await openPage("/dashboard.html");
  await signIn(opened.page, stack.keys.buyer);
  await opened.page.waitForSelector(".console-form");
  return opened;
}

describe("web app against the local stack", () => {
  it("the landing page renders a WebGL canvas and the live marketplace numbers", async () => {
    const { page, errors, close } = await openPage("/");
    await page.waitForSelector("#hero-visual[data-hero=webgl] canvas", { timeout: 60_000 });
    await page.waitForSelector("#live-numbers[data-state=live]", { timeout: 30_000 });
    const nodes = await eventually(
      async () => {
        await page.reload();
        await page.waitForSelector("#live-numbers[data-state=live]");
        const text = (await page.textContent("[data-stat=nodesOnline]")) ?? "";
        return Number(text) >= 1 ? text : undefined;
      },
      "the agent's node to count as online",
      30_000,
      1_000,
    );
    expect(Number(nodes)).toBeGreaterThanOrEqual(1);
    await screenshot(page, "e2e-landing");
    expect(errors).toEqual([]);
    await close();
  });

  it("a bad key is refused next to the key field", async () => {
    const { page, close } = await openPage("/dashboard.html");
    await page.fill("input[name=apiKey]", "wc_this_key_does_not_exist");
    await page.click("button[type=submit]");
    await page.waitForFunction(() =>
      document
        .querySelector(".field[data-path=apiKey] .field-error")
        ?.textContent?.includes("not accepted"),
    );
    expect(await page.locator(".side-nav").count()).toBe(0);
    await close();
  });

  it("runs `echo hello && sleep 1 && echo done`: both lines stream in before the job finishes, then cost and CO2e", async () => {
    const { page, errors, close } = await buyerConsole();
    await submitJob(page, "echo hello && sleep 1 && echo done");
    await waitForTerminalLine(page, /^hello$/, 60_000);
    const atHello = await terminalLines(page);
    expect(atHello).not.toContain("done");
    expect(atHello.some((l) => /● (succeeded|failed)/.test(l))).toBe(false);
    await waitForTerminalLine(page, /^done$/, 30_000);
    await withDiagnostics(() => waitForTerminalLine(page, /● succeeded/, 30_000));
    await waitForTerminalLine(page, /── exit 0 · .* · \$\d/, 30_000);
    const lines = await terminalLines(page);
    expect(lines.filter((l) => l === "hello")).toHaveLength(1);
    expect(lines.filter((l) => l === "done")).toHaveLength(1);
    // The status line comes after the output it ends.
    expect(lines.indexOf("done")).toBeLessThan(lines.findIndex((l) => l.includes("● succeeded")));
    expect(await factText(page, "cost")).toMatch(/^Cost\$\d/);
    expect(await factText(page, "exit")).toBe("Exit code0");
    await screenshot(page, "e2e-console");

    await goTo(page, "#/jobs", "tr[data-job-id]");
    const row = page.locator("tr[data-job-id]").first();
    expect(await row.textContent()).toContain("succeeded");
    expect(await row.locator("[data-col=cost]").textContent()).toMatch(/^\$\d/);
    await screenshot(page, "e2e-history");
    await row.locator("a").first().click();
    await page.waitForSelector(".timeline-item");
    await waitForTerminalLine(page, /^done$/, 30_000, ".detail-main");
    await screenshot(page, "e2e-job-detail");
    expect(errors).toEqual([]);
    await close();
  });

  it("a reload mid-run resumes the terminal without losing or repeating a line", async () => {
    const { page, errors, close } = await buyerConsole();
    await submitJob(page, "for i in 1 2 3 4 5 6 7 8; do echo line$i; sleep 0.5; done");
    await waitForTerminalLine(page, /^line2$/, 60_000);
    await page.reload();
    await page.waitForSelector(".console-form");
    await withDiagnostics(() => waitForTerminalLine(page, /── exit 0/, 60_000));
    const lines = (await terminalLines(page)).filter((l) => /^line\d$/.test(l));
    expect(lines).toEqual(["line1", "line2", "line3", "line4", "line5", "line6", "line7", "line8"]);
    expect(errors).toEqual([]);
    await close();
  });

  it("cancels a long job from the console", async () => {
    const { page, errors, close } = await buyerConsole();
    await submitJob(page, "echo started && sleep 600");
    await waitForTerminalLine(page, /^started$/, 60_000);
    await page.click("text=Cancel job");
    await withDiagnostics(() => waitForTerminalLine(page, /● cancelled/, 60_000));
    expect(await factText(page, "status")).toContain("cancelled");
    await screenshot(page, "e2e-cancelled");
    expect(errors).toEqual([]);
    await close();
  });

  it("downloads this month's invoice as CSV and renders the sustainability charts", async () => {
    const { page, errors, close } = await buyerConsole();
    await goTo(page, "#/invoices", ".totals");
    await page.waitForSelector("table[aria-label='Invoices lines']", { timeout: 30_000 });
    await screenshot(page, "e2e-invoices");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("text=Download CSV"),
    ]);
    const csv = readFileSync(await download.path(), "utf8");
    expect(csv.trim().split("\n").length).toBeGreaterThanOrEqual(2);

    await goTo(page, "#/sustainability", ".totals");
    await page.waitForSelector(".chart canvas", { timeout: 30_000 });
    expect(await page.locator(".chart canvas").count()).toBeGreaterThanOrEqual(2);
    expect(await page.textContent("[data-coefficients]")).not.toBe("");
    await screenshot(page, "e2e-sustainability");
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it("shows the seller their node with its hardware, status and the install command", async () => {
    const { page, errors, close } = await openPage("/dashboard.html");
    await signIn(page, stack.keys.seller);
    await page.waitForSelector("tr[data-node-id]", { timeout: 30_000 });
    expect(await page.textContent("tr[data-node-id]")).toContain("web-e2e-node");
    expect(await page.textContent(".install-card")).toContain(`--api ${server.url}`);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await goTo(page, "#/earnings", ".totals");
    await screenshot(page, "e2e-earnings");
    await goTo(page, "#/nodes", "tr[data-node-id]");
    await screenshot(page, "e2e-seller-nodes");
    expect(errors).toEqual([]);
    await close();
  });
});
