#!/usr/bin/env node
// devhost command line: `devhost host` runs one Function App, `devhost stack` runs the whole local
// stack. The Node version is checked before anything else is loaded, so an old Node gets one
// clear line instead of a syntax error from deeper modules.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { findEnginesRange, nodeVersionProblem } from "./stack/node-version.js";

const USAGE = `Usage:
  devhost host --app DIR --port N [--host 127.0.0.1]
  devhost stack [--config devhost.stack.json] [--data-dir .data] [--free-ports] [--no-web] [--no-agent] [--no-host] [--skip NAME]...`;

function checkNode(): void {
  const range =
    findEnginesRange(process.cwd()) ?? findEnginesRange(dirname(fileURLToPath(import.meta.url)));
  const problem = range === undefined ? undefined : nodeVersionProblem(range, process.version);
  if (problem !== undefined) {
    console.error(problem);
    process.exit(1);
  }
}

/** `devhost host`: runs one Function App with the Durable extension until SIGINT/SIGTERM. */
async function runHostCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      app: { type: "string", default: "." },
      port: { type: "string", default: "7071" },
      host: { type: "string", default: "127.0.0.1" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port ${values.port} is not a port number: pass a number from 0 to 65535.`);
    return 2;
  }
  const [{ startHost }, { createDurableExtension }] = await Promise.all([
    import("./host.js"),
    import("./durable/index.js"),
  ]);
  let running: Awaited<ReturnType<typeof startHost>>;
  try {
    running = await startHost({
      appDir: values.app,
      port,
      host: values.host,
      extensions: [createDurableExtension()],
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`devhost host: could not start the app in ${values.app}: ${reason}`);
    return 1;
  }
  console.log(`ready: ${running.functions.length} functions at ${running.url}`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await running.stop();
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  checkNode();
  const [command, ...args] = argv;
  if (command === "host") return runHostCommand(args);
  if (command === "stack") return (await import("./stack/stack-command.js")).runStackCommand(args);
  console.error(
    command === undefined || command === "--help"
      ? USAGE
      : `Unknown command "${command}".\n${USAGE}`,
  );
  return command === "--help" ? 0 : 2;
}

// Exits explicitly: an app's clients (keep-alive sockets, timers) must not keep a stopped host alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
