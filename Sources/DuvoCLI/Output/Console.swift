import Diagnostics
import JSONCore
import Synchronization

/// Where a command's output goes: whole lines on stdout, errors on stderr, and on a terminal one live status
/// line under the output that is erased and redrawn (`\r` + erase-line) whenever something is printed.
///
/// Safe to use from many tasks at once (`watch` prints for several runs); lines never interleave.
final class Console: Sendable {
    /// How output is shaped.
    let mode: OutputMode
    /// The colours to render with (no-ops when colour is off).
    let palette: Palette
    /// The streams written to (and, for prompts, read from).
    let streams: any StandardStreams
    private let statusText = Mutex<String?>(nil)

    /// A console writing in `mode` to `streams`.
    init(mode: OutputMode, streams: any StandardStreams) {
        self.mode = mode
        self.streams = streams
        palette = Palette(enabled: mode.color)
    }

    /// Prints `text` and a newline on stdout (each line of a multi-line text keeps the status line below it).
    func line(_ text: String = "") {
        statusText.withLock { status in
            var output = status == nil ? "" : Self.eraseLine
            output += text + "\n"
            if let status { output += status }
            send(output, to: .output)
        }
    }

    /// Prints several lines at once, so nothing else is printed between them.
    func lines(_ texts: [String]) {
        guard !texts.isEmpty else { return }
        line(texts.joined(separator: "\n"))
    }

    /// Writes `text` on stdout without a newline, for a question typed on the same line (the status line is
    /// erased first and stays off until the next ``status(_:)``).
    func prompt(_ text: String) {
        statusText.withLock { status in
            send((status == nil ? "" : Self.eraseLine) + text, to: .output)
            status = nil
        }
    }

    /// Prints a JSON document on one line, keys sorted so equal documents print equally.
    func json(_ value: JSONValue) {
        line(JSONWriter(sortedKeys: true).string(value))
    }

    /// Shows `text` as the live status line (or removes it when nil); does nothing unless stdout is a terminal.
    func status(_ text: String?) {
        guard mode.liveStatus else { return }
        statusText.withLock { status in
            status = text
            send(Self.eraseLine + (text ?? ""), to: .output)
        }
    }

    /// Prints `error: <message>` on stderr, first erasing the status line so the two do not run together.
    func error(_ message: String) {
        aboveStatus("error: \(message)\n")
    }

    /// Prints a log line (newline included) on stderr, above the status line as ``error(_:)`` does.
    func log(_ line: String) {
        aboveStatus(line)
    }

    /// Writes `text` on stderr with the status line erased first and drawn again after it.
    private func aboveStatus(_ text: String) {
        statusText.withLock { status in
            if status != nil { send(Self.eraseLine, to: .output) }
            send(text, to: .error)
            if let status { send(status, to: .output) }
        }
    }

    /// Prints `text` on stderr as is (usage errors carry their own `error:` prefix and hint).
    func diagnostic(_ text: String) {
        send(text.hasSuffix("\n") ? text : text + "\n", to: .error)
    }

    /// Every write goes through here: what is printed is checked for secrets in its final form.
    private func send(_ text: String, to stream: OutputStream) {
        streams.write(SecretRedactor.redact(text), to: stream)
    }

    private static let eraseLine = "\r\u{1B}[K"
}
