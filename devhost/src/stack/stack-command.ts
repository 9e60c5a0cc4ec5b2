// Argument parsing and signal handling for `devhost stack`.
import { parseArgs } from "node:util";
import { createReporter } from "./reporter.js";
import { runStack } from "./stack.js";
import { StackError } from "./stack-error.js";

function parse(args: readonly string[]): {
  configPath: string;
  dataDir: string;
  freePorts: boolean;
  skip: string[];
} {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        config: { type: "string", default: "devhost.stack.json" },
        "data-dir": { type: "string", default: ".data" },
        "free-ports": { type: "boolean", default: false },
        "no-web": { type: "boolean", default: false },
        "no-agent": { type: "boolean", default: false },
        "no-host": { type: "boolean", default: false },
        skip: { type: "string", multiple: true, default: [] },
      },
    });
    const skip = [
      ...values.skip,
      ...(values["no-web"] ? ["web"] : []),
      ...(values["no-agent"] ? ["agent"] : []),
      ...(values["no-host"] ? ["host"] : []),
    ];
    return {
      configPath: values.config,
      dataDir: values["data-dir"],
      freePorts: values["free-ports"],
      skip,
    };
  } catch (error) {
    throw new StackError(
      `${error instanceof Error ? error.message : String(error)}; run \`devhost --help\` for the options.`,
    );
  }
}

export async function runStackCommand(args: readonly string[]): Promise<number> {
  const reporter = createReporter({
    color: process.stdout.isTTY === true,
    write: (text) => process.stdout.write(text),
  });
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args);
  } catch (error) {
    reporter.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const stopRequested = new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (): void => {
      signals += 1;
      if (signals > 1)
        reporter.warn("already stopping; children get SIGKILL if they do not stop in time");
      resolve();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  return runStack({ ...options, env: process.env, reporter, stopRequested });
}
