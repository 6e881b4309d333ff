import DuvoCLI
import Foundation

/// The process edge: sends `duvo rpc` to the bridge (which owns stdio and its own signals) and everything else to
/// ``DuvoTool`` with the real standard streams, turning Ctrl-C and SIGTERM into cancellation.
enum RootCommand {
    /// The version printed by `duvo --version` and announced in MCP's `serverInfo`.
    static let version = DuvoTool.version

    /// The command line, with `rpc` named for help and completions.
    static let tool = DuvoTool(externalCommands: [RPCCommand.spec])

    static func main(_ arguments: [String]) async -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        if arguments.first == "rpc" {
            return await RPCCommand.run(Array(arguments.dropFirst()), environment: environment)
        }
        let context = CommandContext(environment: environment, streams: ProcessStreams(),
                                     executablePath: ProcessStreams.executablePath)
        let task = Task { await tool.run(arguments, context: context) }
        return await InterruptTrap.value(of: task).rawValue
    }
}
