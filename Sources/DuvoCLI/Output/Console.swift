#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
    private let statusText = Mutex<String?>(nil)

    /// A console writing in `mode`.
    init(mode: OutputMode) {
        self.mode = mode
        palette = Palette(enabled: mode.color)
    }

    /// Prints `text` and a newline on stdout (each line of a multi-line text keeps the status line below it).
    func line(_ text: String = "") {
        statusText.withLock { status in
            var output = status == nil ? "" : Self.eraseLine
            output += text + "\n"
            if let status { output += status }
            Self.writeAll(output, to: 1)
        }
    }

    /// Prints several lines at once, so nothing else is printed between them.
    func lines(_ texts: [String]) {
        guard !texts.isEmpty else { return }
        line(texts.joined(separator: "\n"))
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
            Self.writeAll(Self.eraseLine + (text ?? ""), to: 1)
        }
    }

    /// Prints `error: <message>` on stderr, first erasing the status line so the two do not run together.
    func error(_ message: String) {
        statusText.withLock { status in
            if status != nil { Self.writeAll(Self.eraseLine, to: 1) }
            Self.writeAll("error: \(message)\n", to: 2)
            if let status { Self.writeAll(status, to: 1) }
        }
    }

    /// Prints `text` on stderr as is (usage errors carry their own `error:` prefix and hint).
    func diagnostic(_ text: String) {
        Self.writeAll(text.hasSuffix("\n") ? text : text + "\n", to: 2)
    }

    private static let eraseLine = "\r\u{1B}[K"

    /// Writes all of `text`, retrying short writes. A reader that went away (`| head`) ends the process quietly,
    /// as SIGPIPE would: there is no one left to tell.
    private static func writeAll(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(fd, base + written, raw.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            if result < 0 && errno == EPIPE { exit(fd == 1 ? 141 : 1) }
            if result <= 0 { return }
            written += result
        }
        bytes.removeAll()
    }
}
