import JSONCore

/// One received request or notification, from the moment it is accepted until it is answered.
struct Job: Sendable {
    /// Unique per connection; ids are not (clients may reuse them), so bookkeeping is by token.
    let token: UInt64
    /// `nil` for a notification.
    let id: RPCRequestID?
    let method: String
    let params: JSONValue?
    /// Where the answer goes when the job came in a batch.
    let batchSlot: BatchSlot?
}

/// An entry's place in a batch answer.
struct BatchSlot: Sendable, Hashable {
    let batch: UInt64
    let index: Int
}
