// The `durableClient` input value the Durable extension gives a function (OrchestrationClientInputData).

export const WEBHOOK_PATH = "/runtime/webhooks/durabletask";
const CONNECTION_NAME = "Storage";

/** Placeholder durable-functions replaces with an instance id in management URL templates. */
export const INSTANCE_ID_PLACEHOLDER = "INSTANCEID";

export interface ManagementUrls {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

function querySuffix(taskHubName: string): string {
  return `taskHub=${encodeURIComponent(taskHubName)}&connection=${CONNECTION_NAME}`;
}

/** Management URLs for one instance (or the placeholder), on the given origin. */
export function managementUrls(
  origin: string,
  taskHubName: string,
  instanceId: string,
): ManagementUrls {
  const query = querySuffix(taskHubName);
  const instance = `${origin}${WEBHOOK_PATH}/instances/${instanceId === INSTANCE_ID_PLACEHOLDER ? instanceId : encodeURIComponent(instanceId)}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}

/**
 * The binding value. `rpcBaseUrl` is what durable-functions 3.x calls; getClient never rewrites
 * it, so a host on any port works. The webhook templates serve createCheckStatusResponse.
 */
export function durableClientBinding(origin: string, taskHubName: string): Record<string, unknown> {
  const query = querySuffix(taskHubName);
  const create = `${origin}${WEBHOOK_PATH}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName,
    connectionName: CONNECTION_NAME,
    creationUrls: {
      createNewInstancePostUri: `${create}?${query}`,
      createAndWaitOnNewInstancePostUri: `${create}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
    },
    managementUrls: managementUrls(origin, taskHubName, INSTANCE_ID_PLACEHOLDER),
    baseUrl: `${origin}${WEBHOOK_PATH}`,
    requiredQueryStringParameters: query,
    rpcBaseUrl: `${origin}${WEBHOOK_PATH}/`,
  };
}
