// Liveness without auth: the stack launcher and load balancers poll it.
import { z } from "zod";
import { endpoint, json } from "./endpoint.js";

export const healthEndpoints = [
  endpoint({
    name: "health",
    method: "GET",
    route: "health",
    tag: "meta",
    summary: "Liveness probe (no auth).",
    access: { kind: "public" },
    response: z.object({ status: z.literal("ok"), time: z.string() }),
    async handle() {
      return json({ status: "ok", time: new Date().toISOString() });
    },
  }),
];
