/// Why a run operation failed: the one failure type of ``RunOperations``, which each front door translates into its
/// own form (a JSON-RPC error with `data`, an MCP tool error with advice, a CLI message and exit code).
package enum RunOperationError: Error, Sendable, Equatable {
    /// A parameter does not fit; `field` is its path in the params (`run_id`, `answers.0`), nil for the whole.
    case invalidParameter(String, field: String?)
    /// The call to Duvo failed (the cause kept whole).
    case duvo(DuvoAPIError)
    /// Nothing is pending, or the answer does not fit the pending request (carried, to explain what would).
    case doesNotFit(HumanResponseError, request: HumanRequest?)
    /// The process follows `limit` runs already (follows, task streams and CLI follows together): the most at once.
    case tooManyFollows(limit: Int)

    /// An id that is not a UUID, as a parameter error naming its field.
    package init(_ invalid: InvalidID) {
        self = .invalidParameter(invalid.message, field: invalid.field)
    }
}

extension RunID {
    /// The id in `text`, which the params field `field` carried.
    /// - Throws: ``RunOperationError/invalidParameter(_:field:)`` saying what an id looks like.
    package static func checked(_ text: String, field: String = "run_id") throws(RunOperationError) -> RunID {
        do {
            return try RunID(validating: text, field: field)
        } catch {
            throw RunOperationError(error)
        }
    }
}

extension RunOperationError {
    /// What every front door says of ``tooManyFollows(limit:)``.
    package static func tooManyFollowsMessage(limit: Int) -> String {
        "this process follows \(limit) runs already, the most at once"
    }
}
