// Registration: detect the machine, register it with the seller's key, save node id and token.
import {
  RegisterNodeRequestSchema,
  type HardwareSpec,
  type Isolation,
  type OwnerPolicy,
  type RegisterNodeRequest,
  type RegisterNodeResponse,
} from "@wastecompute/contracts";
import { ApiClient, ApiError } from "./api-client.js";
import { registerNode } from "./agent-api.js";
import { ConfigError, writeConfigFile, type AgentConfig } from "./config.js";

/** Seller-chosen facts for a registration. */
export interface RegistrationInput {
  name: string;
  region?: string;
  timeZone?: string;
  slots?: number;
  policy?: OwnerPolicy;
  agentVersion: string;
}

/** The registration body from the seller's choices and the detected hardware. */
export function buildRegisterRequest(
  input: RegistrationInput,
  hardware: HardwareSpec,
  isolation: Isolation,
): RegisterNodeRequest {
  return RegisterNodeRequestSchema.parse({
    name: input.name.slice(0, 64),
    region: input.region,
    timeZone: input.timeZone,
    slots: Math.min(input.slots ?? 1, hardware.cpuThreads),
    hardware,
    isolation,
    policy: input.policy,
    agentVersion: input.agentVersion,
  });
}

/** Registers and writes the config file (mode 0600). A rejected key is a ConfigError (exit 2). */
export async function registerAndSave(
  api: ApiClient,
  request: RegisterNodeRequest,
  configFile: string,
  existing: AgentConfig,
  apiUrl: string,
): Promise<RegisterNodeResponse> {
  let response: RegisterNodeResponse;
  try {
    response = await registerNode(api, request);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      throw new ConfigError(
        `the API rejected the seller key (${error.status}${error.problem?.detail ? `: ${error.problem.detail}` : ""}); check --key`,
      );
    }
    if (error instanceof ApiError && error.status === 400) {
      const first = error.problem?.errors?.[0];
      throw new ConfigError(
        `the API rejected the registration: ${first ? `${first.path}: ${first.message}` : (error.problem?.detail ?? error.message)}`,
      );
    }
    throw error;
  }
  await writeConfigFile(configFile, {
    ...existing,
    apiUrl,
    nodeId: response.nodeId,
    nodeToken: response.nodeToken,
    queue: response.queue,
    heartbeatIntervalSec: response.heartbeatIntervalSec,
    name: request.name,
    region: request.region,
    timeZone: request.timeZone,
    slots: request.slots,
    policy: request.policy,
  });
  return response;
}
