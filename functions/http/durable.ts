// The HTTP layer's only contact with orchestration: start a job's lifecycle, raise events on it.
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import {
  JOB_LIFECYCLE,
  lifecycleInput,
  type LifecycleEvent,
  type LifecycleEventName,
} from "../orchestrations/lifecycle-contract.js";
import type { JobDoc } from "../domain/model.js";

export async function startJobLifecycle(context: InvocationContext, job: JobDoc): Promise<void> {
  await df
    .getClient(context)
    .startNew(JOB_LIFECYCLE, { instanceId: job.id, input: lifecycleInput(job) });
}

export async function raiseLifecycleEvent<N extends LifecycleEventName>(
  context: InvocationContext,
  jobId: string,
  name: N,
  payload: LifecycleEvent[N],
): Promise<void> {
  await df.getClient(context).raiseEvent(jobId, name, payload);
}
