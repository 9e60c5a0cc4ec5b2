// Child-process entry serving one benchmark target on a free loopback port, so the load
// generator in the parent never shares an event loop with the server it measures.
//   node serve-child.js bare                      bare node:http answering HELLO_BODY
//   node serve-child.js devhost APP_DIR [--durable]  devhost on APP_DIR (AzureWebJobsStorage from env)
// Prints "listening <origin>" when ready; stops on SIGTERM.
import { createServer } from "node:http";
import { startHost, silentSink } from "../../devhost/dist/index.js";
import { createDurableExtension } from "../../devhost/dist/durable/index.js";
import { HELLO_BODY } from "./hello-body.js";

async function serveBare() {
  const body = JSON.stringify(HELLO_BODY);
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    res.end(body);
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((done) => server.close(done)),
  };
}

// Invocation logs are off: the figure is the runtime's cost, not a terminal's.
function serveDevhost(appDir, durable) {
  return startHost({
    appDir,
    port: 0,
    logger: silentSink,
    extensions: durable ? [createDurableExtension()] : [],
  });
}

const [mode, appDir, flag] = process.argv.slice(2);
const running =
  mode === "bare"
    ? await serveBare()
    : mode === "devhost" && appDir !== undefined
      ? await serveDevhost(appDir, flag === "--durable")
      : undefined;
if (running === undefined) {
  console.error("usage: serve-child.js bare | devhost APP_DIR [--durable]");
  process.exit(2);
}
console.log(`listening ${running.url}`);
process.once("SIGTERM", () => {
  running.stop().then(() => process.exit(0));
});
