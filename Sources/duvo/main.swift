// The one `duvo` executable: `duvo rpc`, `duvo sim`, `duvo runs ...`.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let status = await RootCommand.main(Array(CommandLine.arguments.dropFirst()))
exit(status)
