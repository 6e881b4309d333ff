import Platform
import Synchronization

/// Writes log lines to stderr (never stdout, which carries protocol frames), with secrets redacted.
///
/// A logger is a cheap value; copies share one lock so lines from many tasks never interleave.
public struct Logger: Sendable {
    /// The most detailed level that is written.
    public let level: LogLevel
    /// A short name put at the start of each line, e.g. `duvo rpc` or `sim`.
    public let label: String
    private let shared: Shared

    private final class Shared: Sendable {
        let lock = Mutex<Void>(())
        let fd: Int32
        /// Takes each whole line instead of `fd`, when given.
        let writer: (@Sendable (String) -> Void)?
        init(fd: Int32, writer: (@Sendable (String) -> Void)? = nil) {
            self.fd = fd
            self.writer = writer
        }
    }

    /// A logger writing to `fd` (stderr by default) at `level`.
    public init(label: String, level: LogLevel = .info, fd: Int32 = 2) {
        self.label = label
        self.level = level
        self.shared = Shared(fd: fd)
    }

    /// A logger handing each whole line (newline included, secrets redacted) to `writer`, one at a time: for output
    /// that must stay in step with the lines, such as a terminal's live status line.
    package init(label: String, level: LogLevel, writer: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.level = level
        self.shared = Shared(fd: 2, writer: writer)
    }

    private init(label: String, level: LogLevel, shared: Shared) {
        self.label = label
        self.level = level
        self.shared = shared
    }

    /// The same logger (destination, lock) at another level, and under another label if one is given.
    public func at(_ level: LogLevel, label: String? = nil) -> Logger {
        Logger(label: label ?? self.label, level: level, shared: shared)
    }

    /// Registers a secret (an API key, a password) that must never appear in any output, in any encoding.
    /// - Note: the secret goes to the process-wide ``SecretRedactor``, so errors and results are redacted too.
    public func redact(_ secret: String) {
        SecretRedactor.register(secret)
    }

    /// Whether a line at `level` would be written (to skip building expensive messages).
    public func isEnabled(_ level: LogLevel) -> Bool { level <= self.level }

    /// Writes `message` at `level` when that level is enabled.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard isEnabled(level) else { return }
        var text = message()
        text = SecretRedactor.redact(text)
        shared.lock.withLock { _ in
            let line = "\(label): \(level.name): \(text)\n"
            if let writer = shared.writer { return writer(line) }
            var bytes = Array(line.utf8)
            var written = 0
            while written < bytes.count {
                let result = bytes.withUnsafeBytes { raw in
                    Platform.write(fd: shared.fd, UnsafeRawBufferPointer(rebasing: raw[written...]))
                }
                if result < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
                if result <= 0 { break }
                written += result
            }
            bytes.removeAll()
        }
    }

    /// Logs at error level.
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
    /// Logs at warning level.
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    /// Logs at info level.
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    /// Logs at debug level.
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    /// Logs at trace level.
    public func trace(_ message: @autoclosure () -> String) { log(.trace, message()) }
}
