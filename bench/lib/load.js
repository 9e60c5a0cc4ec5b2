// Fixed-duration load with autocannon; fails on errors or unexpected status codes.
import autocannon from "autocannon";

/** Runs autocannon and returns req/s and latency percentiles (whole-millisecond resolution). */
export async function load({
  url,
  connections,
  seconds,
  method = "GET",
  headers,
  body,
  expect = 200,
}) {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    method,
    ...(headers === undefined ? {} : { headers }),
    ...(body === undefined ? {} : { body }),
  });
  const wrong = result.non2xx + result.errors + result.timeouts;
  if (wrong > 0) {
    throw new Error(
      `${method} ${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx ` +
        `of ${result.requests.total} requests`,
    );
  }
  const expected = result.statusCodeStats[String(expect)]?.count ?? 0;
  if (expected !== result.requests.total) {
    throw new Error(
      `${method} ${url}: expected ${expect} for all ${result.requests.total}, got ${JSON.stringify(result.statusCodeStats)}`,
    );
  }
  return {
    requests: result.requests.total,
    perSecond: result.requests.total / seconds,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  };
}
