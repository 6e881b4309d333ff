import DuvoAPI

/// Everything a bridge method may fail with, and the only error type a method can throw.
///
/// Methods throw it (typed throws: a Duvo call whose ``DuvoAPIError`` is not turned into one does not compile), and
/// ``MethodTable``'s adapter is the one place that turns it into a JSON-RPC error (``RPCError/init(_:)-BridgeFailure``),
/// which the MCP layer in turn makes a tool error. So every method answers Duvo's errors with the documented code and
/// data; none can fall through to -32603.
public enum BridgeFailure: Error, Sendable {
    /// The params do not fit; `field` is the offending field's path.
    case invalidParams(String, field: String?)
    /// The call to Duvo failed (the cause kept whole).
    case duvo(DuvoAPIError)
    /// The answer does not fit the run's pending human request, or nothing is pending.
    case doesNotFit(HumanResponseError)
    /// The process follows as many runs as it may at once.
    case tooManyFollows(limit: Int)
    /// The bridge itself failed (a bug); the text must hold no outside text.
    case `internal`(String)
}

extension BridgeFailure {
    /// An operation's failure: a parameter that does not fit, Duvo's error, or an answer that does not fit.
    package init(_ failure: RunOperationError) {
        switch failure {
        case .invalidParameter(let message, let field): self = .invalidParams(message, field: field)
        case .duvo(let error): self = .duvo(error)
        case .doesNotFit(let mismatch, _): self = .doesNotFit(mismatch)
        case .tooManyFollows(let limit): self = .tooManyFollows(limit: limit)
        }
    }
}
