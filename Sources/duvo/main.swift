// The one `duvo` executable: `duvo rpc`, `duvo sim`, `duvo runs ...`, `duvo completion ...`.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Writes to a closed pipe fail with EPIPE (handled where output is written) instead of killing the process.
signal(SIGPIPE, SIG_IGN)
let status = await RootCommand.main(Array(CommandLine.arguments.dropFirst()))
exit(status)
