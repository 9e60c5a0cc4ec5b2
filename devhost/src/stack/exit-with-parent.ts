// Preloaded (`node --import`) into the Node children of the stack, which are started with an IPC
// channel: when the launcher goes away for any reason, even SIGKILL, the channel closes and the
// child stops itself the ordinary way (SIGTERM), instead of living on as an orphan.
if (process.send !== undefined) {
  process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
  // The channel must not keep a run-once child alive after its work is done.
  process.channel?.unref();
}
