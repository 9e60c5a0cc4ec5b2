// The task hub in Azure Tables (Azurite locally): one table, partitioned by instance id, so one
// episode commits as one entity-group transaction. Row kinds: the instance row, history rows
// `h|{executionId}|{index}`, and inbox rows `w|{kind}|{time}` for raised events and management
// operations that arrived from outside and are not yet in the history.
import { randomUUID } from "node:crypto";
import {
  odata,
  TableClient,
  type TableEntityResult,
  type TransactionAction,
} from "@azure/data-tables";
import { isHistoryEvent, type HistoryEvent } from "./history.js";
import {
  isRuntimeStatus,
  type InstanceRecord,
  type InstanceSummary,
  type OpenTask,
  type ParentLink,
  type PendingEvent,
  type RuntimeStatus,
} from "./instance.js";
import { getText, putText, textColumns, type TableEntityProps } from "./table-text.js";

const INSTANCE_ROW = "instance";
/** Entity-group transactions take at most 100 operations. */
const MAX_BATCH = 100;

export class InstanceExistsError extends Error {
  override name = "InstanceExistsError";
}

/** Another writer changed the instance row since it was read. */
export class StaleInstanceError extends Error {
  override name = "StaleInstanceError";
}

export interface StoredInstance {
  record: InstanceRecord;
  /** Undefined for an instance not written yet: committing it creates the row. */
  etag: string | undefined;
  /** The history JSON kept in the instance row while `record.historyInline`, as read. */
  inlineHistory?: string;
}

export type InboxEvent = Extract<PendingEvent, { kind: "eventRaised" | "control" }> & {
  inboxKey: string;
};

export interface EpisodeCommit {
  record: InstanceRecord;
  /** The row's etag when read; undefined creates the row (failing if it exists). */
  etag: string | undefined;
  /**
   * The episode's history: `events` of `executionId` appended at `startIndex`, and `all`, the
   * record's execution's whole history after the commit (what an inline history stores).
   */
  history: {
    executionId: string;
    startIndex: number;
    events: readonly HistoryEvent[];
    all: readonly HistoryEvent[];
  };
  deleteInbox: readonly string[];
  addInbox: readonly Extract<PendingEvent, { kind: "eventRaised" }>[];
}

export interface InstanceQuery {
  createdTimeFrom?: string;
  createdTimeTo?: string;
  runtimeStatus?: readonly RuntimeStatus[];
  top: number;
  continuationToken?: string;
}

function statusCode(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { statusCode?: unknown }).statusCode;
  return typeof code === "number" ? code : undefined;
}

function historyRowKey(executionId: string, index: number): string {
  return `h|${executionId}|${String(index).padStart(8, "0")}`;
}

/** Columns a status listing needs: no engine state, no inline history. */
const SUMMARY_COLUMNS = [
  "PartitionKey",
  "RowKey",
  "Name",
  "RuntimeStatus",
  "CreatedTime",
  "LastUpdatedTime",
  ...textColumns("Input"),
  ...textColumns("Output"),
  ...textColumns("CustomStatus"),
];

/** Histories up to this many characters of JSON stay in the instance row. */
const INLINE_HISTORY_CHARS = 24_000;

/** Characters of history JSON per row, well inside the 1 MiB entity limit (UTF-16 counted). */
const HISTORY_ROW_CHARS = 400_000;

/**
 * Splits an episode's events into rows (usually one), each keyed by the index of its first
 * event, so an episode costs one write whatever its number of events.
 */
function historyGroups(
  events: readonly HistoryEvent[],
  startIndex: number,
): { start: number; json: string }[] {
  const groups: { start: number; json: string }[] = [];
  let current: string[] = [];
  let size = 0;
  let start = startIndex;
  events.forEach((event, offset) => {
    const text = JSON.stringify(event);
    if (current.length > 0 && size + text.length > HISTORY_ROW_CHARS) {
      groups.push({ start, json: `[${current.join(",")}]` });
      current = [];
      size = 0;
      start = startIndex + offset;
    }
    current.push(text);
    size += text.length + 1;
  });
  if (current.length > 0) groups.push({ start, json: `[${current.join(",")}]` });
  return groups;
}

function inboxRowKey(kind: "e" | "c"): string {
  return `w|${kind}|${String(Date.now()).padStart(15, "0")}-${randomUUID().slice(0, 8)}`;
}

interface EngineState {
  nextSeq: number;
  knownActions: number;
  historyLength: number;
  historyInline?: boolean;
  openTasks: Record<string, OpenTask>;
  parent?: ParentLink;
}

function isEngineState(value: unknown): value is EngineState {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.nextSeq === "number" &&
    typeof v.knownActions === "number" &&
    typeof v.historyLength === "number" &&
    typeof v.openTasks === "object" &&
    v.openTasks !== null
  );
}

function toInstanceEntity(
  record: InstanceRecord,
  inlineHistory: string | undefined,
): TableEntityProps & { partitionKey: string; rowKey: string } {
  const props: TableEntityProps & { partitionKey: string; rowKey: string } = {
    partitionKey: record.instanceId,
    rowKey: INSTANCE_ROW,
    Name: record.name,
    RuntimeStatus: record.status,
    CreatedTime: record.createdTime,
    LastUpdatedTime: record.lastUpdatedTime,
    ExecutionId: record.executionId,
  };
  putText(props, "Input", record.input);
  putText(props, "Output", record.output);
  putText(props, "CustomStatus", record.customStatus);
  const state: EngineState = {
    nextSeq: record.nextSeq,
    knownActions: record.knownActions,
    historyLength: record.historyLength,
    historyInline: record.historyInline,
    openTasks: record.openTasks,
  };
  putText(props, "History", inlineHistory);
  if (record.parent !== undefined) state.parent = record.parent;
  putText(props, "State", JSON.stringify(state));
  return props;
}

function fromInstanceSummary(
  entity: TableEntityResult<TableEntityProps>,
): InstanceSummary | undefined {
  const status = entity.RuntimeStatus;
  if (
    !isRuntimeStatus(status) ||
    typeof entity.Name !== "string" ||
    typeof entity.CreatedTime !== "string" ||
    typeof entity.LastUpdatedTime !== "string" ||
    typeof entity.partitionKey !== "string"
  ) {
    return undefined;
  }
  return {
    instanceId: entity.partitionKey,
    name: entity.Name,
    status,
    input: getText(entity, "Input"),
    output: getText(entity, "Output"),
    customStatus: getText(entity, "CustomStatus"),
    createdTime: entity.CreatedTime,
    lastUpdatedTime: entity.LastUpdatedTime,
  };
}

function fromInstanceEntity(
  entity: TableEntityResult<TableEntityProps>,
): StoredInstance | undefined {
  const summary = fromInstanceSummary(entity);
  const state: unknown = JSON.parse(getText(entity, "State") ?? "null");
  if (
    summary === undefined ||
    !isEngineState(state) ||
    typeof entity.ExecutionId !== "string" ||
    entity.etag === undefined
  ) {
    return undefined;
  }
  const stored: StoredInstance = {
    etag: entity.etag,
    record: {
      ...summary,
      executionId: entity.ExecutionId,
      ...state,
      historyInline: state.historyInline === true,
    },
  };
  const inline = getText(entity, "History");
  if (inline !== undefined) stored.inlineHistory = inline;
  return stored;
}

function toInboxEntity(
  instanceId: string,
  event: PendingEvent,
  rowKey: string,
): TableEntityProps & { partitionKey: string; rowKey: string } {
  const props: TableEntityProps & { partitionKey: string; rowKey: string } = {
    partitionKey: instanceId,
    rowKey,
  };
  if (event.kind === "eventRaised") {
    props.Name = event.name;
    putText(props, "Input", event.input);
  } else if (event.kind === "control") {
    props.Op = event.op;
    props.Reason = event.reason;
  }
  return props;
}

function fromInboxEntity(entity: TableEntityResult<TableEntityProps>): InboxEvent | undefined {
  const rowKey = entity.rowKey;
  if (typeof rowKey !== "string") return undefined;
  if (rowKey.startsWith("w|e|") && typeof entity.Name === "string") {
    return {
      kind: "eventRaised",
      name: entity.Name,
      input: getText(entity, "Input"),
      inboxKey: rowKey,
    };
  }
  const op = entity.Op;
  if (rowKey.startsWith("w|c|") && (op === "terminate" || op === "suspend" || op === "resume")) {
    return {
      kind: "control",
      op,
      reason: typeof entity.Reason === "string" ? entity.Reason : "",
      inboxKey: rowKey,
    };
  }
  return undefined;
}

/** Table names are 3-63 letters and digits, starting with a letter. */
export function taskHubTableName(hubName: string): string {
  const cleaned = hubName.replace(/[^A-Za-z0-9]/g, "");
  const name = /^[A-Za-z]/.test(cleaned) ? cleaned : `Hub${cleaned}`;
  return name.padEnd(3, "0").slice(0, 63);
}

export class TaskHubStore {
  private constructor(private readonly table: TableClient) {}

  static async open(connectionString: string, hubName: string): Promise<TaskHubStore> {
    const table = TableClient.fromConnectionString(connectionString, taskHubTableName(hubName), {
      allowInsecureConnection: true,
    });
    await table.createTable();
    return new TaskHubStore(table);
  }

  async readInstance(instanceId: string): Promise<StoredInstance | undefined> {
    try {
      return fromInstanceEntity(
        await this.table.getEntity<TableEntityProps>(instanceId, INSTANCE_ROW),
      );
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }

  async readHistory(
    instanceId: string,
    executionId: string,
    length: number,
  ): Promise<HistoryEvent[]> {
    const prefix = `h|${executionId}|`;
    const filter = odata`PartitionKey eq ${instanceId} and RowKey ge ${prefix} and RowKey lt ${`h|${executionId}}`}`;
    const events: HistoryEvent[] = [];
    for await (const entity of this.table.listEntities<TableEntityProps>({
      queryOptions: { filter },
    })) {
      const start = Number(String(entity.rowKey).slice(prefix.length));
      // Rows from the committed length on belong to an episode whose commit did not finish; a
      // row starting inside events already read is a leftover of such a commit, overwritten since.
      if (!(start < length) || start > events.length) break;
      if (start < events.length) continue;
      const parsed: unknown = JSON.parse(getText(entity, "Events") ?? "[]");
      if (Array.isArray(parsed)) events.push(...parsed.filter(isHistoryEvent));
    }
    return events.slice(0, length);
  }

  async readInbox(instanceId: string): Promise<InboxEvent[]> {
    const filter = odata`PartitionKey eq ${instanceId} and RowKey ge ${"w|"} and RowKey lt ${"w}"}`;
    const items: InboxEvent[] = [];
    for await (const entity of this.table.listEntities<TableEntityProps>({
      queryOptions: { filter },
    })) {
      const item = fromInboxEntity(entity);
      if (item !== undefined) items.push(item);
    }
    return items;
  }

  /** Instance ids with inbox rows, and instances still Pending (for work from other processes). */
  async scanForWork(): Promise<Set<string>> {
    const filter = `(RowKey ge 'w|' and RowKey lt 'w}') or (RowKey eq '${INSTANCE_ROW}' and RuntimeStatus eq 'Pending')`;
    const ids = new Set<string>();
    for await (const entity of this.table.listEntities<TableEntityProps>({
      queryOptions: { filter, select: ["PartitionKey"] },
    })) {
      if (typeof entity.partitionKey === "string") ids.add(entity.partitionKey);
    }
    return ids;
  }

  /** Every instance that has not finished, for recovery at start-up. */
  async listUnfinished(): Promise<StoredInstance[]> {
    const filter = `RowKey eq '${INSTANCE_ROW}' and (RuntimeStatus eq 'Pending' or RuntimeStatus eq 'Running' or RuntimeStatus eq 'Suspended' or RuntimeStatus eq 'ContinuedAsNew')`;
    const out: StoredInstance[] = [];
    for await (const entity of this.table.listEntities<TableEntityProps>({
      queryOptions: { filter },
    })) {
      const stored = fromInstanceEntity(entity);
      if (stored !== undefined) out.push(stored);
    }
    return out;
  }

  async addInbox(
    instanceId: string,
    event: Extract<PendingEvent, { kind: "eventRaised" | "control" }>,
  ): Promise<string> {
    const rowKey = inboxRowKey(event.kind === "eventRaised" ? "e" : "c");
    await this.table.createEntity(toInboxEntity(instanceId, event, rowKey));
    return rowKey;
  }

  /**
   * Commits one episode. A short history lives in the instance row, so most episodes are a single
   * entity write; a longer one moves to history rows (one per episode, upserts keyed by position,
   * so a commit split across transactions can be retried). The instance row and inbox deletions
   * go last, together, because they are what makes the episode count. Returns the new ETag and
   * the record as written (its history may have moved to rows).
   */
  async commit(change: EpisodeCommit): Promise<{ etag: string; record: InstanceRecord }> {
    const pk = change.record.instanceId;
    let record = change.record;
    const early: TransactionAction[] = [];
    const historyRow = (events: readonly HistoryEvent[], startIndex: number): void => {
      for (const group of historyGroups(events, startIndex)) {
        const props: TableEntityProps & { partitionKey: string; rowKey: string } = {
          partitionKey: pk,
          rowKey: historyRowKey(record.executionId, group.start),
        };
        putText(props, "Events", group.json);
        early.push(["upsert", props, "Replace"]);
      }
    };
    // After continueAsNew the appended events belong to the old execution, whose history goes.
    const sameExecution = change.history.executionId === record.executionId;
    let inlineText: string | undefined;
    if (record.historyInline) {
      const all = sameExecution ? change.history.all : [];
      const text = JSON.stringify(all);
      if (text.length <= INLINE_HISTORY_CHARS) {
        inlineText = text;
      } else {
        record = { ...record, historyInline: false };
        historyRow(all, 0);
      }
    } else if (sameExecution) {
      historyRow(change.history.events, change.history.startIndex);
    }
    for (const event of change.addInbox)
      early.push(["create", toInboxEntity(pk, event, inboxRowKey("e"))]);
    const instance = toInstanceEntity(record, inlineText);
    try {
      if (early.length === 0 && change.deleteInbox.length === 0) {
        const response =
          change.etag === undefined
            ? await this.table.createEntity(instance)
            : await this.table.updateEntity(instance, "Replace", { etag: change.etag });
        return { etag: response.etag ?? "", record };
      }
      const last: TransactionAction[] = [
        change.etag === undefined
          ? ["create", instance]
          : ["update", instance, "Replace", { etag: change.etag }],
      ];
      for (const key of change.deleteInbox)
        last.push(["delete", { partitionKey: pk, rowKey: key }]);
      const batches: TransactionAction[][] = [];
      if (early.length + last.length <= MAX_BATCH) {
        batches.push([...early, ...last]);
      } else {
        for (let at = 0; at < early.length; at += MAX_BATCH)
          batches.push(early.slice(at, at + MAX_BATCH));
        for (let at = 0; at < last.length; at += MAX_BATCH)
          batches.push(last.slice(at, at + MAX_BATCH));
      }
      let etag: string | undefined;
      for (const batch of batches) {
        const response = await this.table.submitTransaction(batch);
        // Sub-responses come in the order of the batch; Azurite leaves their row keys empty, so
        // `getResponseForEntity` cannot find the instance row's new ETag there.
        const at = batch.findIndex((action) => action[1].rowKey === INSTANCE_ROW);
        if (at !== -1)
          etag =
            response.getResponseForEntity(INSTANCE_ROW)?.etag ?? response.subResponses[at]?.etag;
      }
      return { etag: etag ?? "", record };
    } catch (error) {
      const code = statusCode(error);
      if (code === 412) throw new StaleInstanceError(pk);
      if (code === 409 && change.etag === undefined) {
        throw new InstanceExistsError(`An instance with ID '${pk}' already exists.`);
      }
      throw error;
    }
  }

  /** Deletes every row of an instance. */
  async deleteInstance(instanceId: string): Promise<void> {
    await this.deleteRows(instanceId, () => true);
  }

  /** Removes history rows of executions other than `executionId` (after a restart or continueAsNew). */
  async deleteOldHistory(instanceId: string, executionId: string): Promise<void> {
    await this.deleteRows(
      instanceId,
      (rowKey) => rowKey.startsWith("h|") && !rowKey.startsWith(`h|${executionId}|`),
    );
  }

  private async deleteRows(instanceId: string, keep: (rowKey: string) => boolean): Promise<void> {
    const filter = odata`PartitionKey eq ${instanceId}`;
    const keys: string[] = [];
    for await (const entity of this.table.listEntities<TableEntityProps>({
      queryOptions: { filter, select: ["RowKey"] },
    })) {
      if (typeof entity.rowKey === "string" && keep(entity.rowKey)) keys.push(entity.rowKey);
    }
    for (let at = 0; at < keys.length; at += MAX_BATCH) {
      const batch: TransactionAction[] = keys
        .slice(at, at + MAX_BATCH)
        .map((rowKey) => ["delete", { partitionKey: instanceId, rowKey }]);
      await this.table.submitTransaction(batch);
    }
  }

  async queryInstances(
    query: InstanceQuery,
  ): Promise<{ records: InstanceSummary[]; continuationToken: string | undefined }> {
    const clauses = [`RowKey eq '${INSTANCE_ROW}'`];
    if (query.createdTimeFrom !== undefined)
      clauses.push(odata`CreatedTime ge ${query.createdTimeFrom}`);
    if (query.createdTimeTo !== undefined)
      clauses.push(odata`CreatedTime le ${query.createdTimeTo}`);
    if (query.runtimeStatus !== undefined && query.runtimeStatus.length > 0) {
      clauses.push(
        `(${query.runtimeStatus.map((s) => odata`RuntimeStatus eq ${s}`).join(" or ")})`,
      );
    }
    const pages = this.table
      .listEntities<TableEntityProps>({
        queryOptions: { filter: clauses.join(" and "), select: SUMMARY_COLUMNS },
      })
      .byPage({
        maxPageSize: query.top,
        ...(query.continuationToken ? { continuationToken: query.continuationToken } : {}),
      });
    const first = await pages.next();
    if (first.done === true) return { records: [], continuationToken: undefined };
    const page = first.value;
    const records: InstanceSummary[] = [];
    for (const entity of page) {
      // Listing skips the engine state: status pages are polled often.
      const summary = fromInstanceSummary(entity);
      if (summary !== undefined) records.push(summary);
    }
    return { records, continuationToken: page.continuationToken };
  }
}
