import JSONCore

extension DuvoClient {
    /// Answers the run's pending human request: reads it, checks that it is the one meant (`requestID`, when given)
    /// and that the answer fits its type, then posts `{"approved"}` or `{"answers"}` keyed by question text.
    ///
    /// Both front doors (`runs/respond`, `duvo runs respond`) answer through this one function.
    /// - Returns: the answered request.
    /// - Throws: ``RunOperationError``: Duvo's failure, or an answer that does not fit.
    package func respondToPending(runID: String, requestID: String?, approved: Bool?,
                                 answers: [String: JSONValue]?) async throws(RunOperationError) -> AnsweredRequest {
        let snapshot: RunRead
        do {
            snapshot = try await getRun(runID)
        } catch {
            throw .duvo(error)
        }
        guard let pending = snapshot.pendingHumanRequest else {
            throw .doesNotFit(.nothingPending(runStatus: snapshot.run.status.rawValue), request: nil)
        }
        let pendingID = pending.id
        if let requestID, requestID.lowercased() != pendingID.lowercased() {
            throw .doesNotFit(.notThePendingRequest(given: requestID, pending: pendingID), request: pending)
        }
        let body: JSONValue
        do {
            body = try HumanResponse(request: pending).body(approved: approved, answers: answers)
        } catch {
            throw .doesNotFit(error, request: pending)
        }
        do {
            return try await respond(runID, requestID: pendingID, body: body)
        } catch {
            throw .duvo(error)
        }
    }
}
