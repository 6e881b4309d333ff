/// One of the two output streams a command writes to.
package enum OutputStream: Sendable, Hashable {
    /// Stdout: the command's output (text, or JSON with `--json`).
    case output
    /// Stderr: errors, warnings and logs.
    case error
}

/// The standard streams a command talks through, injected so the whole command line runs inside a test process.
///
/// The `duvo` executable passes its real descriptors (fds 0, 1, 2); tests pass a capturing implementation that keeps
/// what was written, says whether it pretends to be a terminal, and answers prompts from a script.
package protocol StandardStreams: Sendable {
    /// Writes `text` as is (no newline added) to `stream`.
    func write(_ text: String, to stream: OutputStream)
    /// Whether stdout is a terminal (colour and the live status line are for terminals only).
    var outputIsTerminal: Bool { get }
    /// Whether stdin is a terminal, i.e. a person may answer a question typed there.
    var inputIsTerminal: Bool { get }
    /// The next line typed on stdin without its newline, or nil at end of input (or when the task is cancelled).
    func readLine() async -> String?
}
