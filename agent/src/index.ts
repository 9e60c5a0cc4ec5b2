// The agent as a library: what scripts and tests drive without the CLI.
export { detectHardware, toHardwareSpec } from "./detect.js";
export { parseNvidiaSmi, queryNvidiaGpus } from "./nvidia.js";
export {
  runSandboxed,
  probeHost,
  bubblewrapWorks,
  limitsFor,
  buildBwrapArgs,
  type SandboxSpec,
  type SandboxResult,
  type HostLayout,
} from "./sandbox.js";
export { resolveRunAs } from "./identity.js";
export { prepareWorkDir, listArtifacts, removeWorkDir } from "./workdir.js";
export { LogStreamer } from "./log-streamer.js";
export { runJob, type JobReport } from "./runner.js";
export { Worker } from "./worker.js";
