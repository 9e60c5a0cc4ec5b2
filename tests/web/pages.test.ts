// The web app in a real browser against the fixture API: every page renders, is accessible,
// fits 1280×800 and 1024×768 without sideways scrolling, and logs no errors.
import type { Page } from "playwright-core";
import { describe, expect, it, vi } from "vitest";
import {
  collectErrors,
  horizontalOverflow,
  newContext,
  seriousAxeViolations,
  VIEWPORTS,
  type Viewport,
} from "./support/browser.js";
import { FIXTURE_KEYS } from "./support/fixture-api.js";
import { screenshot } from "./support/screenshots.js";
import { useFixtureSite } from "./support/fixture-site.js";

// Software WebGL and a shared 2-core machine make browser steps slow: give them room.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const site = useFixtureSite();

async function open(
  path: string,
  viewport: Viewport = VIEWPORTS.desktop,
  setup?: (page: Page) => Promise<unknown>,
) {
  const context = await newContext(site.browser, viewport);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await setup?.(page);
  await page.goto(`${site.url}${path}`);
  return { page, errors, close: () => context.close() };
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.fill("input[name=apiKey]", key);
  await page.click("button[type=submit]");
  await page.waitForSelector(".side-nav");
}

describe("landing page", () => {
  it("renders the WebGL hero and the live marketplace numbers", async () => {
    const { page, errors, close } = await open("/");
    await page.waitForSelector("#hero-visual[data-hero=webgl] canvas", { timeout: 30_000 });
    await page.waitForSelector("#live-numbers[data-state=live]");
    expect(await page.textContent("[data-stat=nodesOnline]")).toBe("12");
    expect(await page.textContent("[data-stat=jobsRun]")).toBe("4,821");
    expect(await page.textContent("[data-stat=co2eAvoidedKg]")).toBe("318 kg");
    expect(await page.textContent("[data-stat=capacity]")).toBe("384 cores · 9 GPUs");
    const drawn = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>("#hero-visual canvas");
      return canvas ? canvas.width * canvas.height : 0;
    });
    expect(drawn).toBeGreaterThan(0);
    await page.waitForTimeout(700);
    await screenshot(page, "landing-1280");
    expect(errors).toEqual([]);
    await close();
  });

  it("shows the static picture when WebGL is unavailable, in the same reserved box", async () => {
    const { page, errors, close } = await open("/", VIEWPORTS.desktop, (p) =>
      p.addInitScript(() => {
        const original = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (
          this: HTMLCanvasElement,
          type: string,
          ...rest: unknown[]
        ) {
          return type.startsWith("webgl")
            ? null
            : (original as (...a: unknown[]) => unknown).call(this, type, ...rest);
        } as typeof original;
      }),
    );
    await page.waitForSelector("#live-numbers[data-state=live]");
    expect(await page.getAttribute("#hero-visual", "data-hero")).toBe("fallback");
    expect(await page.locator("#hero-visual canvas").count()).toBe(0);
    const box = await page.locator("#hero-visual").boundingBox();
    expect(box?.height).toBeGreaterThan(300);
    expect(await page.locator(".hero-fallback").isVisible()).toBe(true);
    await screenshot(page, "landing-fallback");
    expect(errors).toEqual([]);
    await close();
  });

  it("keeps the layout still while the hero loads (no layout shift)", async () => {
    const { page, close } = await open("/");
    const before = await page.locator(".stats").boundingBox();
    await page.waitForSelector("#hero-visual[data-hero=webgl] canvas", { timeout: 30_000 });
    await page.waitForSelector("#live-numbers[data-state=live]");
    const after = await page.locator(".stats").boundingBox();
    expect(after?.y).toBe(before?.y);
    await close();
  });

  it("respects prefers-reduced-motion by drawing a still scene", async () => {
    const { page, errors, close } = await open("/", VIEWPORTS.desktop, (p) =>
      p.emulateMedia({ reducedMotion: "reduce" }),
    );
    await page.waitForSelector("#hero-visual[data-hero=webgl] canvas", { timeout: 30_000 });
    const frames = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const canvas = document.querySelector("canvas");
          let count = 0;
          const original = window.requestAnimationFrame;
          window.requestAnimationFrame = (cb) => {
            count += 1;
            return original(cb);
          };
          setTimeout(() => resolve(canvas ? count : -1), 1000);
        }),
    );
    expect(frames).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });
});

describe("accessibility and layout on every page", () => {
  const pages: { name: string; path: string; key?: string; hash?: string; ready: string }[] = [
    { name: "landing", path: "/", ready: "#live-numbers[data-state=live]" },
    { name: "docs", path: "/docs.html", ready: "#carbon-method" },
    { name: "sign-in", path: "/dashboard.html", ready: "input[name=apiKey]" },
    {
      name: "console",
      path: "/dashboard.html",
      key: FIXTURE_KEYS.buyer,
      hash: "#/console",
      ready: ".console-form",
    },
    {
      name: "jobs",
      path: "/dashboard.html",
      key: FIXTURE_KEYS.buyer,
      hash: "#/jobs",
      ready: ".empty, .table",
    },
    {
      name: "marketplace",
      path: "/dashboard.html",
      key: FIXTURE_KEYS.buyer,
      hash: "#/nodes",
      ready: ".table",
    },
    {
      name: "invoices",
      path: "/dashboard.html",
      key: FIXTURE_KEYS.buyer,
      hash: "#/invoices",
      ready: ".totals",
    },
    {
      name: "sustainability",
      path: "/dashboard.html",
      key: FIXTURE_KEYS.buyer,
      hash: "#/sustainability",
      ready: ".chart canvas",
    },
    {
      name: "seller-nodes",
      path: "/dashboard.html",
      key: FIXTURE_KEYS.seller,
      hash: "#/nodes",
      ready: ".install-card",
    },
    {
      name: "earnings",
      path: "/dashboard.html",
      key: FIXTURE_KEYS.seller,
      hash: "#/earnings",
      ready: ".totals",
    },
  ];

  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    for (const target of pages) {
      it(`${target.name} at ${viewport.width}×${viewport.height}: no serious axe findings, no overflow, no console errors`, async () => {
        const { page, errors, close } = await open(target.path, viewport);
        if (target.key) {
          await signIn(page, target.key);
          await page.evaluate((hash) => (window.location.hash = hash), target.hash ?? "");
        }
        await page.waitForSelector(target.ready, { timeout: 30_000 });
        await page.waitForTimeout(300);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        expect(await seriousAxeViolations(page)).toEqual([]);
        await screenshot(page, `${target.name}-${label}`);
        expect(errors).toEqual([]);
        await close();
      });
    }
  }
});

describe("dashboard sign-in", () => {
  it("checks the key's shape before asking the API, and shows the API's refusal next to the field", async () => {
    const { page, errors, close } = await open("/dashboard.html");
    const error = page.locator(".field[data-path=apiKey] .field-error");
    await page.click("button[type=submit]");
    expect(await error.textContent()).toBe("Enter your API key.");
    expect(await page.getAttribute("input[name=apiKey]", "aria-invalid")).toBe("true");
    await page.fill("input[name=apiKey]", "sk_live_123456789");
    await page.click("button[type=submit]");
    expect(await error.textContent()).toContain("start with");
    await page.fill("input[name=apiKey]", "wc_not_a_real_key_000");
    await page.click("button[type=submit]");
    await page.waitForFunction(() =>
      document.querySelector(".field-error")?.textContent?.includes("not accepted"),
    );
    await screenshot(page, "sign-in-bad-key");
    // The refused key is the only error: a 401 the app expected, reported by the browser itself.
    expect(errors.filter((e) => !e.includes("401"))).toEqual([]);
    await close();
  });

  it("keeps the key for the tab, adapts the navigation to the roles, and forgets the key on sign-out", async () => {
    const { page, close } = await open("/dashboard.html");
    await signIn(page, FIXTURE_KEYS.seller);
    const nav = await page.locator(".side-nav a").allTextContents();
    expect(nav).toEqual(["Nodes", "Earnings", "Sustainability"]);
    await page.reload();
    await page.waitForSelector(".side-nav");
    await page.click("text=Sign out");
    await page.waitForSelector("input[name=apiKey]");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await close();
  });
});
