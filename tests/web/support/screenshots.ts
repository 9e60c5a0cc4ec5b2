// Screenshots of each view go to test-results/web/ (ignored by git) for people to look at.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

const dir = fileURLToPath(new URL("../../../test-results/web/", import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}${name}.png`, fullPage: false });
}
