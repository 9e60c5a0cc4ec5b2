// Whether a node can take work now: its heartbeat is fresh, its agent is not draining or paused,
// the owner's clock is inside the allowed hours and the owner's own load leaves room.
import type { NODE_STATUSES } from "@wastecompute/contracts";
import { toEpochSeconds, wallClockAt } from "./local-time.js";
import type { NodeDoc, OwnerPolicy } from "./model.js";

/** A node whose last heartbeat is older than this is offline (three missed 30-second beats). */
export const HEARTBEAT_FRESH_SECONDS = 90;

export type NodeStatus = (typeof NODE_STATUSES)[number];

export function isOnline(
  node: Pick<NodeDoc, "lastHeartbeatAt">,
  now: Date,
  freshSeconds = HEARTBEAT_FRESH_SECONDS,
): boolean {
  if (!node.lastHeartbeatAt) return false;
  const age = now.getTime() - Date.parse(node.lastHeartbeatAt);
  return age <= freshSeconds * 1000;
}

/**
 * Whether `now` falls in the owner's allowed local hours [start, end). start > end wraps past
 * midnight (22 → 6 is the night); start == end is an empty window; 0 → 24 is all day.
 */
export function withinAllowedHours(
  policy: Pick<OwnerPolicy, "allowedHours">,
  timeZone: string,
  now: Date,
): boolean {
  const { start, end } = policy.allowedHours;
  const hour = wallClockAt(toEpochSeconds(now), timeZone).hour;
  return start <= end ? hour >= start && hour < end : hour >= start || hour < end;
}

/** Whether the owner's own CPU load (excluding our jobs) leaves room under the policy's limit. */
export function ownerLoadAllows(node: Pick<NodeDoc, "ownerCpuPercent" | "policy">): boolean {
  return (
    node.ownerCpuPercent === undefined || node.ownerCpuPercent / 100 <= node.policy.maxOwnerLoad
  );
}

/** The status shown for a node in the marketplace and dashboards. */
export function nodeStatus(
  node: Pick<NodeDoc, "lastHeartbeatAt" | "agentState" | "slots" | "reservations">,
  now: Date,
): NodeStatus {
  if (!isOnline(node, now)) return "offline";
  if (node.agentState === "draining" || node.agentState === "paused") return "draining";
  if (node.reservations.length >= node.slots) return "busy";
  return "online";
}
