// One test file's site: the built web app served with the fixture API, and a browser to drive it,
// started before the file's tests and stopped after them.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser } from "./browser.js";
import { createFixtureApi } from "./fixture-api.js";
import { buildWeb, type WebBuild } from "./web-build.js";
import { startWebServer, type WebServer } from "./web-server.js";

export interface FixtureSite {
  /** Origin serving the built app and the fixture API, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly browser: Browser;
}

export function useFixtureSite(): FixtureSite {
  let build: WebBuild | undefined;
  let server: WebServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    build = await buildWeb();
    server = await startWebServer(build.dir, createFixtureApi().handler);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    build?.remove();
  });

  const started = <T>(part: T | undefined, name: string): T => {
    if (part === undefined) throw new Error(`the fixture site's ${name} has not started`);
    return part;
  };
  return {
    get url() {
      return started(server, "server").url;
    },
    get browser() {
      return started(browser, "browser");
    },
  };
}
