import HTTPServer

/// An error answer in the API's shape, `{"error": "<code>", "message": "<what to fix>"}`.
struct APIError: Error, Sendable {
    let status: Int
    /// The snake_case code clients branch on.
    let code: String
    /// A sentence saying what was wrong and what to do.
    let message: String
    /// Extra headers such as `Allow` or `Retry-After`.
    var headers: HTTPHeaders = [:]

    static func invalidJSON(_ message: String) -> APIError {
        APIError(status: 400, code: "invalid_json", message: message)
    }
    static func unknownField(_ message: String) -> APIError {
        APIError(status: 400, code: "unknown_field", message: message)
    }
    static func missingField(_ message: String) -> APIError {
        APIError(status: 400, code: "missing_field", message: message)
    }
    static func invalidField(_ message: String) -> APIError {
        APIError(status: 400, code: "invalid_field", message: message)
    }
    static func invalidUUID(_ message: String) -> APIError {
        APIError(status: 400, code: "invalid_uuid", message: message)
    }
    static func notFound(_ message: String) -> APIError { APIError(status: 404, code: "not_found", message: message) }
    static func runNotWaiting(_ message: String) -> APIError {
        APIError(status: 400, code: "run_not_waiting", message: message)
    }
    static func requestNotPending(_ message: String) -> APIError {
        APIError(status: 400, code: "request_not_pending", message: message)
    }
    static func invalidResponse(_ message: String) -> APIError {
        APIError(status: 400, code: "invalid_response", message: message)
    }
    static func unauthorized(_ message: String) -> APIError {
        APIError(status: 401, code: "unauthorized", message: message, headers: ["WWW-Authenticate": "Bearer"])
    }
    static func forbidden(_ message: String) -> APIError { APIError(status: 403, code: "forbidden", message: message) }

    /// The 404 for a run that does not exist or belongs to a team the key cannot see (existence is not leaked).
    static func runNotFound(_ id: String) -> APIError {
        .notFound("No run with id \(id) exists for this API key; check the run_id.")
    }
}
