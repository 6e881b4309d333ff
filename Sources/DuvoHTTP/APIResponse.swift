import JSONCore

/// What came back from one HTTP exchange, before it is judged a success or an error.
public struct APIResponse: Sendable {
    /// The HTTP status code.
    package var status: Int
    /// Response headers with lower-cased names.
    package var headers: [String: String]
    /// The raw body.
    package var body: [UInt8]

    /// A response.
    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The server's clock when it answered, from `Date` (whole seconds since the epoch); nil without one.
    package var serverDate: Double? { headers["date"].flatMap(HTTPDate.parse) }

    /// Seconds to wait before retrying, from `Retry-After` (seconds form) or `x-ratelimit-reset`.
    package var retryAfterSeconds: Double? {
        if let text = headers["retry-after"], let seconds = Double(text.trimmingCharacters(in: .whitespaces)) {
            return max(0, seconds)
        }
        if status == 429, let text = headers["x-ratelimit-reset"], let seconds = Double(text) { return max(0, seconds) }
        return nil
    }
}

import Foundation
