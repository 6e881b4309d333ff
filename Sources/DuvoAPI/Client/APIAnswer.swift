import JSONCore

/// A successful answer's JSON body with the server's clock when it answered.
package struct APIAnswer: Sendable {
    /// The JSON body of the 2xx answer.
    package let body: JSONValue
    /// The server's `Date` in seconds since the epoch (whole seconds), or nil when it sent none.
    package let serverDate: Double?

    /// An answer with `body`, sent at `serverDate` (for transports other than ``DuvoClient``'s, such as tests').
    package init(body: JSONValue, serverDate: Double?) {
        self.body = body
        self.serverDate = serverDate
    }
}
