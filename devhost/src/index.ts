// Public API of devhost's function host.
export { startHost, type RunningHost, type StartHostOptions } from "./host.js";
export { createDurableExtension } from "./durable/index.js";
export type {
  BindingDefinition,
  HostExtension,
  HostLogger,
  HostServices,
  InvokeOptions,
  RegisteredFunction,
} from "./extension.js";
export {
  createConsoleSink,
  silentSink,
  formatRecord,
  type LogLevel,
  type LogRecord,
  type LogSink,
} from "./logging.js";
export { parseHostConfig, type HostConfig, type QueueSettings } from "./host-config.js";
export { parseRouteTemplate, type RouteTemplate } from "./http/route-template.js";
export { parseTimerSchedule, type TimerSchedule } from "./timer/schedule.js";
export type { TimerInfo } from "./timer/listener.js";
