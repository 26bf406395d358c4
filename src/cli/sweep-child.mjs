// Preloaded into every trial's `dojo train` child (node --import) by a sweep or a worker (sweep-local.ts):
// the child shares an IPC channel with the process that started it, and when that process is gone
// (kill -9 included) the channel closes and the child exits, instead of training on unseen, or into a
// run folder a restarted sweep has taken over. The channel is unref'd so it never keeps a child alive.
if (process.channel !== undefined) {
  process.channel.unref();
  process.on('disconnect', () => process.exit(137));
}
