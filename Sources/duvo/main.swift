// The one `duvo` executable: `duvo rpc`, `duvo sim`, `duvo runs ...`, `duvo completion ...`.
import Platform

// Writes to a closed pipe fail with EPIPE (handled where output is written) instead of killing the process.
Platform.ignoreBrokenPipe()
// The bridge allocates from one malloc arena, set before any other thread allocates (see the function for why).
if CommandLine.arguments.dropFirst().first == "rpc" { Platform.useOneMallocArena() }
let status = await RootCommand.main(Array(CommandLine.arguments.dropFirst()))
Platform.exit(status)
