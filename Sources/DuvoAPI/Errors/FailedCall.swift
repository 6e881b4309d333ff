import DuvoHTTP

/// A call to Duvo that got no HTTP answer in the end: what was asked, what broke last, how often and how long it was
/// tried, and within which deadline.
public struct FailedCall: Sendable, Equatable {
    /// The operation, e.g. `get run`.
    package var operation: String
    /// `GET` or `POST`.
    package var method: String
    /// The path called, without the query.
    package var path: String
    /// What the last attempt ran into, as the transport said it (redacted).
    package var cause: TransportError
    /// Attempts made, the first included.
    package var attempts: Int
    /// Seconds from the first attempt until giving up.
    package var elapsedSeconds: Double
    /// The call's deadline in seconds (`DUVO_TIMEOUT` / `--timeout`).
    package var deadlineSeconds: Double

    /// A failed call.
    package init(operation: String, method: String, path: String, cause: TransportError, attempts: Int,
                elapsedSeconds: Double, deadlineSeconds: Double) {
        self.operation = operation
        self.method = method
        self.path = path
        self.cause = cause
        self.attempts = attempts
        self.elapsedSeconds = elapsedSeconds
        self.deadlineSeconds = deadlineSeconds
    }

    /// The cause in words, e.g. `connection refused`, without the operation (the error's message names it once).
    package var causeDescription: String {
        switch cause {
        case .connectFailed(let detail), .connectionLost(let detail), .certificateRejected(let detail),
             .proxyRejected(let detail): detail
        case .timedOut: "no answer"
        case .cancelled: "cancelled"
        }
    }

    /// A short kind for machines: `connect_failed`, `connection_lost`, `certificate_rejected`, `proxy_rejected`,
    /// `timed_out`, `cancelled`.
    package var causeKind: String {
        switch cause {
        case .connectFailed: "connect_failed"
        case .connectionLost: "connection_lost"
        case .certificateRejected: "certificate_rejected"
        case .proxyRejected: "proxy_rejected"
        case .timedOut: "timed_out"
        case .cancelled: "cancelled"
        }
    }

    /// `1 attempt in 0.3 s` / `3 attempts in 30.2 s`.
    package var effort: String {
        "\(attempts) attempt\(attempts == 1 ? "" : "s") in \(Self.seconds(elapsedSeconds)) s"
    }

    /// Seconds with one decimal, e.g. `30.2`.
    static func seconds(_ value: Double) -> String {
        let tenths = Int((max(0, value) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

extension FailedCall: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(operation)
        hasher.combine(path)
        hasher.combine(causeKind)
        hasher.combine(attempts)
    }
}
