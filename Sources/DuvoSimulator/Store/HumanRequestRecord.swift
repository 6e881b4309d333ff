/// A human-in-the-loop request and, once answered, its response.
struct HumanRequestRecord: Sendable {
    enum Kind: String, Sendable {
        case approval, question
    }

    /// Whether the request can still be answered.
    enum State: Sendable, Equatable {
        case pending
        case answered
        /// A message arrived while waiting; the agent acknowledged it and asked again with a new request.
        case superseded
        /// The run was stopped while waiting.
        case cancelled
    }

    var id: String
    var runID: String
    var kind: Kind
    var ask: HumanAsk
    var createdAt: Int64
    var state: State = .pending
    /// `approved`/`denied`, or the answers as compact JSON text.
    var response: String?
    var respondedAt: Int64?
}
