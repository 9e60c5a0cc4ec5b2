// The Function App's registry: every HTTP route, the job lifecycle orchestration with its
// activities, and the reaper timer are registered here and nowhere else.
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { routes } from "./http/routes.js";
import { activities } from "./orchestrations/activities.js";
import { jobLifecycle } from "./orchestrations/job-lifecycle.js";
import { JOB_LIFECYCLE } from "./orchestrations/lifecycle-contract.js";
import { reaperSchedule, reapStaleNodes } from "./orchestrations/reaper.js";

// The live log endpoint streams its body; without this the Azure host buffers a response whole.
app.setup({ enableHttpStream: true });

for (const route of routes) {
  app.http(route.name, {
    methods: [route.method],
    route: route.route,
    authLevel: "anonymous",
    extraInputs: [df.input.durableClient()],
    handler: route.invoke,
  });
}

df.app.orchestration(JOB_LIFECYCLE, jobLifecycle);
for (const [name, handler] of Object.entries(activities)) df.app.activity(name, { handler });

app.timer("reapStaleNodes", {
  schedule: reaperSchedule(),
  extraInputs: [df.input.durableClient()],
  handler: reapStaleNodes,
});
