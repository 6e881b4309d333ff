/// Why bytes could not be written to the client.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reader closed its end (EPIPE): nobody will read further frames.
    case closed
    /// write(2) failed with this `errno`.
    case writeFailed(errno: Int32)

    /// What happened, in words for a log line.
    public var description: String {
        switch self {
        case .closed: "the client closed its end of the pipe"
        case .writeFailed(let code): "write failed (errno \(code))"
        }
    }
}
