import DuvoAPI
import JSONCore
import JSONRPC

extension RPCError {
    /// The JSON-RPC form of a Duvo failure: a documented code, the advice as message, and Duvo's own words in `data`.
    public init(_ error: DuvoAPIError) {
        let code: RPCErrorCode
        switch error {
        case .notConfigured: code = .notConfigured
        case .unsupported: code = .unsupported
        case .unauthorized: code = .unauthorized
        case .forbidden: code = .forbidden
        case .notFound: code = .notFound
        case .rejected: code = .rejected
        case .rateLimited: code = .rateLimited
        case .unavailable: code = .upstreamUnavailable
        case .unexpectedStatus, .invalidResponse: code = .upstreamError
        case .network: code = .networkError
        case .timeout: code = .timeout
        case .cancelled: code = .requestCancelled
        }
        var data: [String: JSONValue] = [:]
        if let upstream = error.upstream {
            data["http_status"] = .int(upstream.httpStatus)
            data["error"] = .optional(upstream.error)
            data["message"] = .optional(upstream.message)
            if let wait = upstream.retryAfterSeconds { data["retry_after_s"] = .double(wait) }
        }
        self.init(code: code, message: error.message, data: data.isEmpty ? nil : .object(data))
    }

    /// The JSON-RPC form of an answer that does not fit the pending request: invalid params naming the field.
    public init(_ error: HumanResponseError) {
        self = .invalidParams(error.message, field: error.field)
    }
}
