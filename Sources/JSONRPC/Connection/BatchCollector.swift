/// Gathers the answers to one batch, in the batch's order, until every entry with an id has one.
struct BatchCollector {
    private var answers: [RPCMessage?]
    private var outstanding = 0
    /// Until every entry has been received, the batch is not complete, whatever its jobs have answered: the
    /// connection awaits between entries, and a job may finish meanwhile.
    private var receiving = true

    init(size: Int) {
        answers = Array(repeating: nil, count: size)
    }

    /// Whether no job of the batch is still to answer.
    var isComplete: Bool { !receiving && outstanding == 0 }

    /// Every entry has been received.
    mutating func seal() {
        receiving = false
    }

    /// The answers so far, in batch order; notifications leave no entry.
    var messages: [RPCMessage] { answers.compactMap { $0 } }

    /// Notes that a job will answer for one more entry.
    mutating func expectAnswer() {
        outstanding += 1
    }

    /// An answer known at once (an invalid entry, a built-in method).
    mutating func fill(_ index: Int, with message: RPCMessage) {
        guard answers.indices.contains(index) else { return }
        answers[index] = message
    }

    /// A job's answer.
    mutating func complete(_ index: Int, with message: RPCMessage) {
        fill(index, with: message)
        outstanding -= 1
    }

    /// A job whose answer is not to be sent (cancelled by MCP's `notifications/cancelled`).
    mutating func forget(_ index: Int) {
        outstanding -= 1
    }
}
