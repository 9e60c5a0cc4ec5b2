// Hands a seller's agent a short-lived SAS for its own dispatch queue `node-<id>`: read, update and
// process (receive, extend visibility, delete) on that queue only — it can neither send, nor see another node's queue.
// Locally the SAS is signed with the account key from the connection string (Azurite included);
// on Azure, where shared keys are disabled, it is a user delegation SAS signed with a key the
// managed identity obtains from Entra ID (Queue user delegation SAS, service version 2026-02-06+).
import type { QueueAccess } from "@wastecompute/contracts";
import {
  QueueSASPermissions,
  SASProtocol,
  type QueueGenerateSasUrlOptions,
  type QueueServiceClient,
  type UserDelegationKey,
} from "@azure/storage-queue";
import { queueServiceClient } from "./clients.js";
import { getConfig, type StorageConfig } from "./config.js";

/** How queue SAS tokens are signed: the account key, or an Entra ID user delegation key. */
export type QueueSasSigning = "shared-key" | "user-delegation";

/**
 * Permissions an agent needs on its queue: r = receive/peek, u = update (keep a long job's message
 * hidden, or make it visible again when draining), p = process (delete after receive). Never `a`:
 * only the platform dispatches.
 */
const AGENT_QUEUE_PERMISSIONS = "rup";
/** Tolerates clock skew between us and the storage service for a SAS that must work at once. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** A user delegation key may live at most 7 days; we ask for 6 so it is always within the limit. */
const DELEGATION_KEY_LIFETIME_MS = 6 * 24 * 3_600_000;

const QUEUE_NAME_PREFIX = "node-";
const MAX_QUEUE_NAME_LENGTH = 63;
const QUEUE_SAFE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * The dispatch queue of a node. Queue names allow only lowercase letters, digits and single
 * hyphens, up to 63 characters, so node ids must fit that alphabet and be at most 58 long.
 */
export function nodeQueueName(nodeId: string): string {
  const name = `${QUEUE_NAME_PREFIX}${nodeId}`;
  if (!QUEUE_SAFE_ID.test(nodeId) || name.length > MAX_QUEUE_NAME_LENGTH) {
    throw new RangeError(
      `node id ${JSON.stringify(nodeId)} cannot name a queue: use lowercase letters, digits and single hyphens, at most ${MAX_QUEUE_NAME_LENGTH - QUEUE_NAME_PREFIX.length} characters`,
    );
  }
  return name;
}

/** Shared key wherever a connection string carries the account key; user delegation on Azure. */
export function queueSasSigningFor(storage: StorageConfig): QueueSasSigning {
  return storage.kind === "connectionString" ? "shared-key" : "user-delegation";
}

type FetchDelegationKey = (startsOn: Date, expiresOn: Date) => Promise<UserDelegationKey>;

/**
 * Reuses one user delegation key for every SAS that expires before it does, so issuing a SAS is
 * normally a local signature and not a round trip to Entra ID and Storage.
 */
export class DelegationKeyCache {
  private current: UserDelegationKey | undefined;

  constructor(
    private readonly fetchKey: FetchDelegationKey,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async keyCovering(expiresAt: Date): Promise<UserDelegationKey> {
    if (
      this.current !== undefined &&
      this.current.signedExpiresOn.getTime() >= expiresAt.getTime()
    ) {
      return this.current;
    }
    const now = this.now().getTime();
    const keyExpiresOn = new Date(now + DELEGATION_KEY_LIFETIME_MS);
    if (expiresAt.getTime() > keyExpiresOn.getTime()) {
      throw new RangeError(
        `queue access can be granted for at most ${DELEGATION_KEY_LIFETIME_MS / 86_400_000} days`,
      );
    }
    this.current = await this.fetchKey(new Date(now - CLOCK_SKEW_MS), keyExpiresOn);
    return this.current;
  }
}

export interface QueueAccessIssuer {
  /** A SAS for the node's queue valid until `expiresAt`; the queue itself is the caller's to create. */
  issue(nodeId: string, expiresAt: Date): Promise<QueueAccess>;
}

export function createQueueAccessIssuer(
  service: QueueServiceClient,
  signing: QueueSasSigning,
  now: () => Date = () => new Date(),
): QueueAccessIssuer {
  const delegationKeys = new DelegationKeyCache(async (startsOn, expiresOn) => {
    const {
      signedObjectId,
      signedTenantId,
      signedStartsOn,
      signedExpiresOn,
      signedService,
      signedVersion,
      value,
    } = await service.getUserDelegationKey(startsOn, expiresOn);
    return {
      signedObjectId,
      signedTenantId,
      signedStartsOn,
      signedExpiresOn,
      signedService,
      signedVersion,
      value,
    };
  }, now);

  return {
    async issue(nodeId, expiresAt) {
      const queueName = nodeQueueName(nodeId);
      const queue = service.getQueueClient(queueName);
      const options: QueueGenerateSasUrlOptions = {
        permissions: QueueSASPermissions.parse(AGENT_QUEUE_PERMISSIONS),
        startsOn: new Date(now().getTime() - CLOCK_SKEW_MS),
        expiresOn: expiresAt,
        // Plain HTTP only ever reaches a local emulator; anything real is HTTPS-only.
        protocol: queue.url.startsWith("https:") ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
      };
      const queueUrl =
        signing === "shared-key"
          ? queue.generateSasUrl(options)
          : queue.generateUserDelegationSasUrl(
              options,
              await delegationKeys.keyCovering(expiresAt),
            );
      return { queueName, queueUrl, mode: "sas", expiresAt: expiresAt.toISOString() };
    },
  };
}

let defaultIssuer: QueueAccessIssuer | undefined;

/** Issues queue access for `nodeId` with this process's storage configuration. */
export function issueQueueAccess(nodeId: string, expiresAt: Date): Promise<QueueAccess> {
  defaultIssuer ??= createQueueAccessIssuer(
    queueServiceClient(),
    queueSasSigningFor(getConfig().storage),
  );
  return defaultIssuer.issue(nodeId, expiresAt);
}
