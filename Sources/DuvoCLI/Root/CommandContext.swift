import Diagnostics

/// What a command runs with besides its arguments: the environment, the standard streams, and the `duvo` binary
/// to start for the shared simulator. Injected, so the command line runs inside a test process.
package struct CommandContext: Sendable {
    /// The process environment.
    package var environment: [String: String]
    /// Where output goes and prompts are read from.
    package var streams: any StandardStreams
    /// The `duvo` executable, started detached as the shared background simulator.
    package var executablePath: String

    /// A context with these parts.
    package init(environment: [String: String], streams: any StandardStreams, executablePath: String) {
        self.environment = environment
        self.streams = streams
        self.executablePath = executablePath
    }

    /// Writes `text` and a newline to stdout.
    func print(_ text: String) {
        streams.write(SecretRedactor.redact(text.hasSuffix("\n") ? text : text + "\n"), to: .output)
    }

    /// Writes `text` and a newline to stderr.
    func printError(_ text: String) {
        streams.write(SecretRedactor.redact(text.hasSuffix("\n") ? text : text + "\n"), to: .error)
    }
}
