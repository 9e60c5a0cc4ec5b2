// Dashboard steps shared by the fixture and end-to-end browser tests.
import type { Page } from "playwright-core";

export async function signIn(page: Page, key: string): Promise<void> {
  await page.fill("input[name=apiKey]", key);
  await page.click("button[type=submit]");
  await page.waitForSelector(".side-nav");
}

export async function goTo(page: Page, hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
  await page.waitForSelector(ready, { timeout: 30_000 });
}

/** The terminal's visible rows as text, blank rows dropped. */
export function terminalLines(page: Page, scope = ".terminal-card"): Promise<string[]> {
  return page.evaluate((selector) => {
    const rows = document.querySelectorAll(`${selector} .xterm-rows > div`);
    return [...rows]
      .map((row) => (row.textContent ?? "").replace(/\u00a0/g, " ").trimEnd())
      .filter((line) => line.length > 0);
  }, scope);
}

export async function waitForTerminalLine(
  page: Page,
  pattern: RegExp,
  timeout = 30_000,
  scope = ".terminal-card",
): Promise<void> {
  const started = Date.now();
  for (;;) {
    if ((await terminalLines(page, scope)).some((line) => pattern.test(line))) return;
    if (Date.now() - started > timeout)
      throw new Error(
        `no terminal line matched ${pattern}: ${JSON.stringify(await terminalLines(page, scope))}`,
      );
    await page.waitForTimeout(100);
  }
}

export async function submitJob(page: Page, command: string): Promise<void> {
  await page.fill("textarea[name=command]", command);
  await page.click("button.execute");
}

export function factText(page: Page, fact: string): Promise<string | null> {
  return page.textContent(`[data-fact=${fact}]`);
}
