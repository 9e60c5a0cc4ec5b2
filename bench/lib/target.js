// Starts a serve-child.js target and hands back its origin, pid and a stop function.
import { URL, fileURLToPath } from "node:url";
import { spawnNode, stopChild, waitForOutput } from "./children.js";

const serveChild = fileURLToPath(new URL("./serve-child.js", import.meta.url));
const READY_TIMEOUT_MS = 60_000;

export async function startTarget(args, env = process.env) {
  const started = spawnNode(serveChild, args, { env });
  try {
    const [, url] = await waitForOutput(
      started,
      /listening (\S+)/,
      READY_TIMEOUT_MS,
      `target ${args[0]}`,
    );
    return { url, pid: started.child.pid, stop: () => stopChild(started.child) };
  } catch (error) {
    await stopChild(started.child);
    throw error;
  }
}
