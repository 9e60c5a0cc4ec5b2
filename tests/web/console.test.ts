// The buyer's journey in a real browser against the fixture API: run a job and watch it stream,
// reload mid-run without losing or repeating output, cancel, see it in history with a cost,
// open its detail, download an invoice CSV.
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it, vi } from "vitest";
import { collectErrors, newContext } from "./support/browser.js";
import {
  factText,
  goTo,
  signIn,
  submitJob,
  terminalLines,
  waitForTerminalLine,
} from "./support/dashboard.js";
import { FIXTURE_KEYS } from "./support/fixture-api.js";
import { screenshot } from "./support/screenshots.js";
import { useFixtureSite } from "./support/fixture-site.js";

// Software WebGL and a shared 2-core machine make browser steps slow: give them room.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const site = useFixtureSite();

async function buyerPage(): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await newContext(site.browser);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${site.url}/dashboard.html`);
  await signIn(page, FIXTURE_KEYS.buyer);
  await page.waitForSelector(".console-form");
  return { page, errors, close: () => context.close() };
}

describe("console", () => {
  it("streams output while the job runs, then shows exit code, duration, cost and CO2e", async () => {
    const { page, errors, close } = await buyerPage();
    await page.waitForSelector(".summary-chip:not(:empty)");
    expect(await page.textContent(".summary-chip")).toMatch(/^This month: \$0\.003 · \d+ jobs?$/);
    await submitJob(page, "echo hello && sleep 1 && echo done");
    await waitForTerminalLine(page, /^hello$/);
    const whenHello = await terminalLines(page);
    expect(whenHello).not.toContain("done");
    expect(await factText(page, "status")).toContain("running");
    await waitForTerminalLine(page, /^done$/);
    await waitForTerminalLine(page, /── exit 0 · .* · \$0\.00128/);
    expect(await factText(page, "exit")).toContain("0");
    expect(await factText(page, "cost")).toContain("$0.00128");
    expect(await factText(page, "co2e")).toMatch(/mg|g/);
    const lines = await terminalLines(page);
    expect(lines.filter((l) => l === "hello")).toHaveLength(1);
    expect(lines.indexOf("hello")).toBeLessThan(lines.indexOf("done"));
    await screenshot(page, "console-finished");
    expect(errors).toEqual([]);
    await close();
  });

  it("picks up after a reload at the byte it stopped at: nothing lost, nothing twice", async () => {
    const { page, errors, close } = await buyerPage();
    await submitJob(page, "sleep 600");
    await waitForTerminalLine(page, /^tick 2$/);
    await page.reload();
    await page.waitForSelector(".console-form");
    await waitForTerminalLine(page, /^tick 4$/);
    const ticks = (await terminalLines(page)).filter((l) => l.startsWith("tick "));
    expect(ticks).toEqual(ticks.map((_, i) => `tick ${i + 1}`));
    const running = (await terminalLines(page)).filter((l) => l === "● running");
    expect(running).toHaveLength(1);

    await page.click("text=Cancel job");
    await waitForTerminalLine(page, /● cancelled/);
    expect(await page.isDisabled("text=Cancel job")).toBe(true);
    await screenshot(page, "console-cancelled");
    expect(errors).toEqual([]);
    await close();
  });

  it("checks the form before sending and shows the API's field errors next to the field", async () => {
    const { page, errors, close } = await buyerPage();
    await page.fill("textarea[name=command]", "   ");
    await page.click("button.execute");
    expect(await page.textContent(".field[data-path=command] .field-error")).toContain(
      "must not be blank",
    );
    await submitJob(page, "echo forbidden");
    await page.waitForSelector(".field[data-path=command] .field-error:not([hidden])");
    await page.waitForFunction(() =>
      document
        .querySelector(".field[data-path=command] .field-error")
        ?.textContent?.includes("refuses"),
    );
    expect(await page.getAttribute("textarea[name=command]", "aria-invalid")).toBe("true");
    await screenshot(page, "console-field-error");
    expect(errors.filter((e) => !e.includes("400"))).toEqual([]);
    await close();
  });
});

describe("errors without a field", () => {
  it("shows them in a banner that can be dismissed", async () => {
    const { page, errors, close } = await buyerPage();
    await submitJob(page, "echo no-capacity");
    await page.waitForSelector(".banner-error");
    expect(await page.textContent(".banner-error")).toContain(
      "The marketplace cannot take jobs right now.",
    );
    await page.click("button[aria-label='Dismiss message']");
    expect(await page.locator(".banner").count()).toBe(0);
    expect(errors.filter((e) => !e.includes("503"))).toEqual([]);
    await close();
  });
});

describe("keyboard", () => {
  it("signs in and runs a job with the keyboard alone", async () => {
    const context = await newContext(site.browser);
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}/dashboard.html`);
    await page.waitForSelector("input[name=apiKey]:focus");
    await page.keyboard.type(FIXTURE_KEYS.buyer);
    await page.keyboard.press("Enter");
    await page.waitForSelector(".console-form");
    await page.focus("textarea[name=command]");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("value"))).toBe("cpu");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe(
      "maxRuntimeSec",
    );
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("SUMMARY");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Execute");
    await page.keyboard.press("Enter");
    await waitForTerminalLine(page, /^done$/);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("history, detail and invoices", () => {
  it("lists a finished job with its cost, and its detail shows the timeline, artifacts and output", async () => {
    const { page, errors, close } = await buyerPage();
    await submitJob(page, "echo hello && sleep 1 && echo done");
    await waitForTerminalLine(page, /── exit 0/);
    await goTo(page, "#/jobs", ".table");
    const row = page.locator("tr[data-job-id]").first();
    expect(await row.locator("[data-col=cost]").textContent()).toBe("$0.00128");
    expect(await row.textContent()).toContain("succeeded");
    await screenshot(page, "jobs-history");
    await row.locator("a").first().click();
    await page.waitForSelector(".timeline-item");
    expect(await page.locator(".timeline-item").allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining("placed"),
        expect.stringContaining("running"),
        expect.stringContaining("succeeded"),
      ]),
    );
    await page.waitForSelector(".artifact-list a");
    await waitForTerminalLine(page, /^done$/, 30_000, ".detail-main");
    await screenshot(page, "job-detail");
    expect(errors).toEqual([]);
    await close();
  });

  it("filters history by status and pages through it with continuation tokens", async () => {
    const { page, errors, close } = await buyerPage();
    const api = `${site.url}/api/jobs`;
    const headers = {
      authorization: `Bearer ${FIXTURE_KEYS.buyer}`,
      "content-type": "application/json",
    };
    for (let i = 0; i < 21; i += 1) {
      const response = await fetch(api, {
        method: "POST",
        headers,
        body: JSON.stringify({ command: `echo page-${i}` }),
      });
      expect(response.status).toBe(202);
    }
    await goTo(page, "#/jobs", "tr[data-job-id]");
    expect(await page.locator("tr[data-job-id]").count()).toBe(20);
    expect(await page.textContent(".pager")).toContain("Page 1");
    await page.click("text=Older →");
    await page.waitForFunction(() =>
      document.querySelector(".pager")?.textContent?.includes("Page 2"),
    );
    expect(await page.locator("tr[data-job-id]").count()).toBeGreaterThanOrEqual(1);
    await page.click("text=← Newer");
    await page.waitForFunction(() =>
      document.querySelector(".pager")?.textContent?.includes("Page 1"),
    );
    await page.selectOption("select[name=status]", "failed");
    await page.waitForSelector(".empty");
    expect(await page.textContent(".empty")).toContain("Nothing matches");
    expect(errors).toEqual([]);
    await close();
  });

  it("downloads the month's invoice as CSV", async () => {
    const { page, errors, close } = await buyerPage();
    await goTo(page, "#/invoices", ".totals");
    expect(await page.textContent("[data-total=net]")).toContain("$0.003");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("text=Download CSV"),
    ]);
    expect(download.suggestedFilename()).toMatch(/^wastecompute-invoice-\d{4}-\d{2}\.csv$/);
    const path = await download.path();
    expect(readFileSync(path, "utf8")).toContain("job-0001-fixture");
    expect(errors).toEqual([]);
    await close();
  });
});
