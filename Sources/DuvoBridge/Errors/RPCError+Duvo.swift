import DuvoAPI
import JSONCore
import JSONRPC

extension RPCError {
    /// The JSON-RPC form of a method's failure: the one mapping from ``BridgeFailure`` to codes, messages and data.
    public init(_ failure: BridgeFailure) {
        switch failure {
        case .invalidParams(let message, let field): self = .invalidParams(message, field: field)
        case .doesNotFit(let mismatch): self = .invalidParams(mismatch.message, field: mismatch.field)
        case .internal(let message): self = .internalError(message)
        case .tooManyFollows(let limit):
            self.init(code: .tooManyFollows,
                      message: "Too many follows: \(RunOperationError.tooManyFollowsMessage(limit: limit)); end some "
                        + "with runs/unfollow (or wait for their runs to end)",
                      data: ["limit": .int(limit)])
        case .duvo(let error): self.init(code: Self.code(for: error), message: error.message, data: Self.data(for: error))
        }
    }

    /// The JSON-RPC form of a Duvo failure (for layers that call the client core directly, such as MCP's wait).
    public init(_ error: DuvoAPIError) {
        self.init(BridgeFailure.duvo(error))
    }

    /// The documented code of a Duvo failure; a write whose outcome is unknown keeps the code of what happened.
    static func code(for error: DuvoAPIError) -> RPCErrorCode {
        switch error {
        case .notConfigured: .notConfigured
        case .unsupported: .unsupported
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .rejected: .rejected
        case .rateLimited: .rateLimited
        case .unavailable: .upstreamUnavailable
        case .unexpectedStatus, .invalidResponse: .upstreamError
        case .network: .networkError
        case .timeout: .timeout
        case .cancelled: .requestCancelled
        case .outcomeUnknown(let failure, _): code(for: failure)
        }
    }

    /// `data`: Duvo's status and words, the request's method and path, the transport's cause, attempts and time,
    /// and for a write whose outcome is unknown `outcome_unknown: true` with `check`.
    static func data(for error: DuvoAPIError) -> JSONValue? {
        var data: [String: JSONValue] = [:]
        if let upstream = error.upstream {
            data["http_status"] = .int(upstream.httpStatus)
            data["error"] = .optional(upstream.error)
            data["message"] = .optional(upstream.message)
            if let wait = upstream.retryAfterSeconds { data["retry_after_s"] = .double(wait) }
            if let summary = upstream.bodySummary { data["body"] = .string(summary) }
            data["method"] = .string(upstream.method)
            data["path"] = .string(upstream.path)
            data["attempts"] = .int(upstream.attempts)
        }
        if let call = error.failedCall {
            data["method"] = .string(call.method)
            data["path"] = .string(call.path)
            data["cause"] = ["kind": .string(call.causeKind), "detail": .string(call.causeDescription)]
            data["attempts"] = .int(call.attempts)
            data["elapsed_s"] = .double((call.elapsedSeconds * 1000).rounded() / 1000)
            data["timeout_s"] = .double(call.deadlineSeconds)
        }
        switch error {
        case .invalidResponse(_, let detail), .outcomeUnknown(.invalidResponse(_, let detail), _):
            data["detail"] = .string(detail)
        default: break
        }
        if case .outcomeUnknown(_, let check) = error {
            data["outcome_unknown"] = true
            data["check"] = .string(check)
        }
        return data.isEmpty ? nil : .object(data)
    }
}
