import ArgumentKit
import DuvoCLI
import Foundation

/// Sends `duvo <command> ...` to the command's own entry point; prints the overview for `duvo`, `--help`.
enum RootCommand {
    /// The version printed by `duvo --version` and announced in MCP's `serverInfo`.
    static let version = "0.1.0"

    static let overview = """
        duvo \(version): drive Duvo agent runs from editors, LLM tools and scripts, without writing HTTP code.

        USAGE: duvo <command> [options]

        COMMANDS:
          rpc     Serve JSON-RPC 2.0 and MCP on stdin/stdout (the bridge)
          runs    Start, inspect, follow and answer runs from the shell
          sim     Run a local simulator of the Duvo API

        Try it with no key and no network:
          duvo rpc --simulate
          duvo runs start --agent <id> --follow --simulate      (ids: duvo sim agents)

        Run 'duvo <command> --help' for a command's options.
        """

    static func main(_ arguments: [String]) async -> Int32 {
        guard let command = arguments.first else {
            print(overview)
            return 0
        }
        let rest = Array(arguments.dropFirst())
        let environment = ProcessInfo.processInfo.environment
        switch command {
        case "rpc": return await RPCCommand.run(rest, environment: environment)
        case "sim": return SimCommand.run(rest)
        case "runs": return await RunsCommand.main(rest, environment: environment)
        case "-h", "--help", "help":
            print(overview)
            return 0
        case "--version", "version":
            print("duvo \(version)")
            return 0
        default:
            var message = "error: unknown command '\(command)'"
            if let hint = Suggestion.closest(to: command, among: ["rpc", "runs", "sim"]) {
                message += "; did you mean '\(hint)'?"
            }
            FileHandle.standardError.write(Data((message + "\nRun 'duvo --help' for usage.\n").utf8))
            return 2
        }
    }
}
