// Many instances at once: 200 concurrent two-activity orchestrations through the Durable HTTP API
// all complete with the right outputs. How fast is measured by `npm run bench:devhost`, not here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type RunningAzurite } from "../support/azurite.js";
import { startDurableHost, type DurableTestHost } from "./support/durable-host.js";

let azurite: RunningAzurite;
let dh: DurableTestHost;

beforeAll(async () => {
  azurite = await startAzurite();
  dh = await startDurableHost(azurite.connectionString, "ThroughputHub");
});

afterAll(async () => {
  await dh?.stop();
  await azurite?.stop();
});

const INSTANCES = 200;

describe("durable concurrency", () => {
  it(`completes ${INSTANCES} concurrent two-activity orchestrations, each with its own output`, async () => {
    const ids = await Promise.all(
      Array.from({ length: INSTANCES }, async (_, i) => {
        const response = await dh.call(
          `/runtime/webhooks/durabletask/orchestrators/chain/bench-${i}`,
          { method: "POST", body: String(i) },
        );
        expect(response.status).toBe(202);
        return `bench-${i}`;
      }),
    );
    const pending = new Set(ids);
    while (pending.size > 0) {
      const page = (await (
        await dh.call(
          `/runtime/webhooks/durabletask/instances/?runtimeStatus=Completed,Failed&top=1000`,
        )
      ).json()) as {
        instanceId: string;
        runtimeStatus: string;
        output: unknown;
      }[];
      for (const status of page) {
        if (!pending.has(status.instanceId)) continue;
        expect(status.runtimeStatus).toBe("Completed");
        expect(status.output).toBe(Number(status.instanceId.slice("bench-".length)) * 4);
        pending.delete(status.instanceId);
      }
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
});
