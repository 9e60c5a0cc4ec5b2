// The long-running `run` loop: heartbeats, owner policy, queue pulls up to the slot count, one
// runner per job, cancel/abandon/drain control, crash recovery and a graceful stop.
import type {
  ControlMessage,
  DispatchMessage,
  HeartbeatRequest,
  Isolation,
  OwnerPolicy,
  QueueAccess,
} from "@wastecompute/contracts";
import { LeaseRefusedError, type AgentApi } from "./agent-api.js";
import { sleep } from "./backoff.js";
import { HeartbeatLoop } from "./heartbeat.js";
import { OwnerPolicyMonitor, POLICY_SAMPLE_INTERVAL_MS } from "./policy.js";
import type { Delivery, DispatchQueue, QueuePoller } from "./poller.js";
import {
  CLOCK_TICKS_PER_SECOND,
  processTree,
  readProcessTable,
  signalTree,
} from "./process-tree.js";
import { runJob, type JobReport, type JobRunnerDeps, type StopReason } from "./runner.js";
import type { HostLayout, RunAs } from "./sandbox.js";
import { StateStore, deliveryKey, processAlive, readState, type AgentState } from "./state.js";
import { UtilisationSampler } from "./utilisation.js";
import { meanGpuUtilisation, queryNvidiaGpus } from "./nvidia.js";

/** How often GPU utilisation is read (nvidia-smi is a process start). */
export const GPU_SAMPLE_INTERVAL_MS = 10_000;

/** Everything the worker is built from (all I/O injected). */
export interface WorkerDeps {
  api: AgentApi;
  poller: QueuePoller;
  openQueue: (access: QueueAccess) => DispatchQueue;
  nodeId: string;
  slots: number;
  heartbeatIntervalSec: number;
  isolation: Isolation;
  host: HostLayout;
  runAs: RunAs | undefined;
  workRoot: string;
  stateDir: string;
  policy: OwnerPolicy;
  timeZone: string;
  killGraceMs: number;
  drainDeadlineMs: number;
  outputCapBytes: number;
  agentVersion: string;
  log: (event: string, fields: Record<string, unknown>, level?: "info" | "warn" | "error") => void;
  status: (text: string) => void;
}

interface RunningEntry {
  message: DispatchMessage;
  /** The latest delivery of the job's message (replaced when it is redelivered). */
  delivery: Delivery;
  stop: AbortController;
  done: Promise<void>;
  pid: () => number | undefined;
}

/** The agent's main loop. `run()` resolves when the worker has stopped. */
export class Worker {
  private readonly running = new Map<string, RunningEntry>();
  private readonly seen = new Set<string>();
  private readonly stopping = new AbortController();
  private pullAbort = new AbortController();
  private draining = false;
  /** The platform asked this node to drain: take no new jobs, but stay up (it may lift the drain). */
  private platformDrain = false;
  private policyAllows = true;
  private policyReason = "idle";
  private wake: () => void = () => undefined;
  private finishedJobsCpu = 0;
  private gpuPercent: number | undefined;
  private readonly utilisation = new UtilisationSampler();
  private readonly monitor: OwnerPolicyMonitor;
  private readonly heartbeat: HeartbeatLoop;
  private store!: StateStore;

  constructor(private readonly deps: WorkerDeps) {
    this.monitor = new OwnerPolicyMonitor(deps.policy, deps.timeZone);
    this.heartbeat = new HeartbeatLoop(
      {
        send: (request, signal) => deps.api.heartbeat(request, signal),
        snapshot: () => this.snapshot(),
        onControl: (control) => this.onControl(control),
        onAnswer: (response) => {
          const drain = response.control.some((c) => c.type === "drain");
          if (drain !== this.platformDrain) {
            this.platformDrain = drain;
            deps.log(drain ? "agent.platform_drain" : "agent.platform_drain_lifted", {
              running: this.running.size,
            });
            if (drain) this.pullAbort.abort();
            this.wake();
          }
        },
        onQueueAccess: (access) => deps.poller.setQueue(deps.openQueue(access)),
        onReachability: (reachable, detail) => {
          void this.store.update((s) => (s.apiReachable = reachable));
          if (reachable) deps.log("api.reachable", {});
          else
            deps.status(
              `API unreachable (${detail.reason ?? "unknown"}); retrying in ${Math.round((detail.retryInMs ?? 0) / 1000)} s`,
            );
        },
      },
      deps.heartbeatIntervalSec,
    );
  }

  /** The local `drain` command: stop pulling and exit once running jobs have finished (no deadline). */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.deps.log("agent.draining", { running: this.running.size });
    this.pullAbort.abort();
    this.heartbeat.beatNow();
    this.wake();
  }

  /** SIGTERM/SIGINT: stop pulling, let jobs finish until the deadline, then preempt them and exit. */
  shutdown(): void {
    if (this.stopping.signal.aborted) return;
    this.deps.log("agent.stopping", {
      running: this.running.size,
      deadlineSec: this.deps.drainDeadlineMs / 1000,
    });
    this.draining = true;
    this.stopping.abort();
    this.pullAbort.abort();
    this.wake();
  }

  async run(): Promise<void> {
    await this.recover();
    const background = new AbortController();
    // The first heartbeat refreshes queue access before the first pull.
    await this.heartbeat.beat(background.signal);
    const heartbeats = this.heartbeat.run(background.signal);
    const policyTimer = setInterval(() => this.samplePolicy(), POLICY_SAMPLE_INTERVAL_MS);
    const sampleGpus = () =>
      void queryNvidiaGpus().then((gpus) => (this.gpuPercent = meanGpuUtilisation(gpus)));
    const gpuTimer =
      this.deps.host.nvidiaDevices.length > 0
        ? setInterval(sampleGpus, GPU_SAMPLE_INTERVAL_MS)
        : undefined;
    try {
      await this.pullLoop();
      await this.finishRunning();
    } finally {
      clearInterval(policyTimer);
      clearInterval(gpuTimer);
      await this.store.update((s) => {
        s.status = "stopped";
        s.running = [];
      });
      try {
        await this.heartbeat.beat(background.signal);
      } finally {
        background.abort();
        await heartbeats;
      }
      this.deps.log("agent.stopped", {});
    }
  }

  private async pullLoop(): Promise<void> {
    while (!this.draining) {
      if (this.running.size >= this.deps.slots || !this.policyAllows || this.platformDrain) {
        await this.waitForChange();
        continue;
      }
      this.pullAbort = new AbortController();
      const delivery = await this.deps.poller.next(this.pullAbort.signal);
      if (!delivery) continue;
      const redelivery = this.running.has(delivery.message.jobId);
      if ((this.draining || !this.policyAllows || this.platformDrain) && !redelivery)
        await delivery.release();
      else await this.accept(delivery);
    }
  }

  private async accept(delivery: Delivery): Promise<void> {
    const { message } = delivery;
    const key = deliveryKey(message.jobId, message.attempt);
    const current = this.running.get(message.jobId);
    if (
      current &&
      current.message.attempt === message.attempt &&
      current.delivery.messageId === delivery.messageId
    ) {
      // The message came back while its job runs (its visibility could not be held): keep the newest
      // delivery, whose pop receipt is the one that can delete it when the job ends.
      this.deps.log("job.redelivered_while_running", {
        jobId: message.jobId,
        attempt: message.attempt,
      });
      await current.delivery.dropHold();
      current.delivery = delivery;
      delivery.hold();
      return;
    }
    if (this.seen.has(key) || current) {
      this.deps.log(
        "job.duplicate_delivery",
        { jobId: message.jobId, attempt: message.attempt },
        "warn",
      );
      // A copy of an attempt this agent has taken is deleted; another attempt of a job still
      // running here goes back for the platform to sort out (it abandons ours by heartbeat).
      if (this.seen.has(key)) await delivery.complete();
      else await delivery.release();
      return;
    }
    this.seen.add(key);
    delivery.hold();
    const stop = new AbortController();
    let pid: number | undefined;
    const runnerDeps: JobRunnerDeps = {
      api: this.deps.api,
      isolation: this.deps.isolation,
      host: this.deps.host,
      runAs: this.deps.runAs,
      workRoot: this.deps.workRoot,
      killGraceMs: this.deps.killGraceMs,
      outputCapBytes: this.deps.outputCapBytes,
      allowNetwork: this.deps.policy.allowNetwork,
      log: (event, fields) => this.deps.log(event, fields),
      onProcess: (processId) => {
        pid = processId;
        void this.store.update((s) => {
          const entry = s.running.find((r) => r.jobId === message.jobId);
          if (entry) entry.pid = processId;
        });
      },
    };
    await this.store.update((s) => {
      s.seen.push(key);
      s.running.push({
        jobId: message.jobId,
        attempt: message.attempt,
        leaseToken: message.leaseToken,
        startedAt: new Date().toISOString(),
        command: message.command.slice(0, 200),
      });
      s.status = "busy";
    });
    const entry: RunningEntry = {
      message,
      delivery,
      stop,
      done: Promise.resolve(),
      pid: () => pid,
    };
    this.running.set(message.jobId, entry);
    entry.done = runJob(message, runnerDeps, stop)
      .catch((error: unknown): JobReport => {
        this.deps.log(
          "job.error",
          { jobId: message.jobId, reason: error instanceof Error ? error.message : String(error) },
          "error",
        );
        return {
          kind: "abandoned",
          jobId: message.jobId,
          attempt: message.attempt,
          reason: "agent error",
        };
      })
      .then(async (report) => {
        if (report.kind === "refused")
          this.deps.log(
            "job.refused",
            { jobId: report.jobId, attempt: report.attempt, reason: report.reason },
            "warn",
          );
        if (report.kind === "finished") this.finishedJobsCpu += report.finish.cpuSeconds;
        const retryLater = report.kind === "not_started";
        if (retryLater) {
          // The API was unreachable: give the message back and let a later pull try again.
          this.deps.log("job.not_started", { jobId: report.jobId, reason: report.reason }, "warn");
          this.seen.delete(key);
          await entry.delivery.release();
        } else {
          await entry.delivery.complete();
        }
        this.running.delete(message.jobId);
        await this.store.update((s) => {
          if (retryLater) s.seen = s.seen.filter((k) => k !== key);
          s.running = s.running.filter((r) => r.jobId !== message.jobId);
          s.recent.push({
            jobId: report.jobId,
            attempt: report.attempt,
            outcome: report.kind === "finished" ? report.finish.outcome : report.kind,
            exitCode: report.kind === "finished" ? report.finish.exitCode : null,
            finishedAt: new Date().toISOString(),
          });
          s.status = this.currentStatus();
        });
        this.heartbeat.beatNow();
        this.wake();
      });
    this.heartbeat.beatNow();
  }

  private async finishRunning(): Promise<void> {
    if (this.running.size === 0) return;
    const all = () => Promise.all([...this.running.values()].map((r) => r.done));
    if (this.stopping.signal.aborted) {
      const deadline = sleep(this.deps.drainDeadlineMs).then(() => "deadline" as const);
      if ((await Promise.race([all().then(() => "done" as const), deadline])) === "deadline") {
        this.stopAll("preempted");
      }
    } else {
      // Drain: let jobs finish, but a later SIGTERM still applies the deadline.
      await Promise.race([
        all(),
        new Promise<void>((resolve) =>
          this.stopping.signal.addEventListener("abort", () => resolve(), { once: true }),
        ),
      ]);
      if (this.running.size > 0) return this.finishRunning();
    }
    await all();
  }

  private stopAll(reason: StopReason): void {
    for (const entry of this.running.values()) entry.stop.abort(reason);
  }

  private onControl(control: ControlMessage): void {
    // Drain is a standing order, handled per answer in `onAnswer`.
    if (control.type === "drain") return;
    const entry = this.running.get(control.jobId);
    this.deps.log(`control.${control.type}`, {
      jobId: control.jobId,
      reason: control.reason,
      running: entry !== undefined,
    });
    entry?.stop.abort(control.type === "cancel" ? "cancelled" : "abandoned");
  }

  private samplePolicy(): void {
    const table = this.running.size > 0 ? readProcessTable() : [];
    const liveTicks = [...this.running.values()].reduce((n, r) => {
      const pid = r.pid();
      return pid ? n + processTree(pid, table).reduce((t, p) => t + p.cpuTicks, 0) : n;
    }, 0);
    const jobCpu = this.finishedJobsCpu + liveTicks / CLOCK_TICKS_PER_SECOND;
    const utilisation = this.utilisation.sample(jobCpu);
    const decision = this.monitor.decide(utilisation.ownerLoad, new Date());
    if (decision.acceptWork !== this.policyAllows) {
      this.deps.log(decision.acceptWork ? "policy.resume" : "policy.pause", {
        reason: decision.reason,
      });
      this.policyAllows = decision.acceptWork;
      this.policyReason = decision.reason;
      if (!decision.acceptWork) this.pullAbort.abort();
      void this.store.update((s) => {
        s.status = this.currentStatus();
        s.statusReason = decision.reason;
      });
      this.heartbeat.beatNow();
      this.wake();
    }
    if (decision.evict && this.running.size > 0) {
      this.deps.log(
        "policy.evict",
        { reason: decision.reason, jobs: [...this.running.keys()] },
        "warn",
      );
      this.stopAll("preempted");
    }
  }

  private currentStatus(): Exclude<AgentState["status"], "stopped"> {
    if (this.draining || this.platformDrain) return "draining";
    if (!this.policyAllows) return "paused";
    return this.running.size > 0 ? "busy" : "idle";
  }

  private snapshot(): HeartbeatRequest {
    const u = this.utilisation.current;
    return {
      utilisation: {
        cpuPercent: u.cpuPercent,
        ownerCpuPercent: u.ownerLoad * 100,
        memoryUsedMb: u.memoryUsedMb,
        ...(this.gpuPercent === undefined ? {} : { gpuPercent: this.gpuPercent }),
      },
      runningJobIds: [...this.running.keys()],
      state: this.currentStatus(),
      agentVersion: this.deps.agentVersion,
    };
  }

  private waitForChange(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = () => undefined;
        resolve();
      };
      const timer = setTimeout(done, POLICY_SAMPLE_INTERVAL_MS);
      this.wake = done;
    });
  }

  /** Reads the previous run's state: refuses to run twice, reports jobs the crash lost. */
  private async recover(): Promise<void> {
    const previous = await readState(this.deps.stateDir);
    if (
      previous &&
      previous.pid !== process.pid &&
      previous.status !== "stopped" &&
      processAlive(previous.pid) &&
      previous.nodeId === this.deps.nodeId
    ) {
      throw new Error(
        `another agent (pid ${previous.pid}) is running with state dir ${this.deps.stateDir}; stop it or use --state-dir`,
      );
    }
    for (const key of previous?.seen ?? []) this.seen.add(key);
    this.store = new StateStore(this.deps.stateDir, {
      pid: process.pid,
      nodeId: this.deps.nodeId,
      status: "idle",
      statusReason: "",
      isolation: this.deps.isolation,
      slots: this.deps.slots,
      startedAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      apiReachable: true,
      running: [],
      recent: previous?.recent ?? [],
      seen: previous?.seen ?? [],
    });
    await this.store.update(() => undefined);
    for (const lost of previous?.running ?? []) {
      if (lost.pid) signalTree(lost.pid, "SIGKILL");
      const now = new Date().toISOString();
      try {
        await this.deps.api.finishJob(lost.jobId, lost.leaseToken, {
          outcome: "lost",
          exitCode: null,
          signal: null,
          wallSeconds: 0,
          cpuSeconds: 0,
          peakRssMb: 0,
          gpuSeconds: 0,
          startedAt: lost.startedAt,
          finishedAt: now,
          logBytes: 0,
          outputTruncated: false,
          artifacts: [],
          detail: "the agent restarted and can no longer see this job",
        });
        this.deps.log("job.reported_lost", { jobId: lost.jobId, attempt: lost.attempt }, "warn");
      } catch (error) {
        const refused = error instanceof LeaseRefusedError;
        this.deps.log(
          "job.lost_report_failed",
          {
            jobId: lost.jobId,
            refused,
            reason: error instanceof Error ? error.message : String(error),
          },
          "warn",
        );
      }
      await this.store.update((s) =>
        s.recent.push({
          jobId: lost.jobId,
          attempt: lost.attempt,
          outcome: "lost",
          exitCode: null,
          finishedAt: now,
        }),
      );
    }
  }
}
