// Sequential GETs over one keep-alive connection, timed with the high-resolution clock:
// autocannon's histograms count whole milliseconds, too coarse for sub-millisecond overheads.
import { Agent, get } from "node:http";

function getOnce(agent, url) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const req = get(url, { agent }, (res) => {
      res.resume();
      res.once("end", () => {
        if (res.statusCode !== 200) fail(new Error(`GET ${url} answered ${res.statusCode}`));
        else done(Number(process.hrtime.bigint() - started) / 1e6);
      });
    });
    req.once("error", fail);
  });
}

/** Latencies in milliseconds of `count` requests after `warmup` untimed ones. */
export async function keepAliveLatencies(url, count, warmup) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < warmup; i++) await getOnce(agent, url);
    const times = [];
    for (let i = 0; i < count; i++) times.push(await getOnce(agent, url));
    return times;
  } finally {
    agent.destroy();
  }
}
