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

    /// Seconds to wait before retrying, from `Retry-After` (seconds form) or `x-ratelimit-reset`: a number from 0 to
    /// ``longestRetryAfter`` (larger ones are read as that; `inf`, `nan` and the like as none).
    package var retryAfterSeconds: Double? {
        func seconds(_ text: String) -> Double? {
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
            return min(Self.longestRetryAfter, max(0, value))
        }
        if let text = headers["retry-after"], let value = seconds(text) { return value }
        if status == 429, let text = headers["x-ratelimit-reset"], let value = seconds(text) { return value }
        return nil
    }

    /// The longest wait an answer may ask for: a day. Nothing waits that long within a call's deadline anyway, and
    /// a value that large is read as no more than this.
    package static let longestRetryAfter = 86_400.0
}

import Foundation
