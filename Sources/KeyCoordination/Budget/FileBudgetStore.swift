import Time

/// A key's ledger in a file of the runtime directory, shared by every process of this user on this machine.
///
/// Times are on the system's `CLOCK_MONOTONIC`, which all processes of one boot share (a file of another boot is discarded). The
/// file (``BudgetLedgerFile``) holds send times, a penalty and random participant ids: nothing about the key, whose
/// keyed hash only names the file.
package final class FileBudgetStore: BudgetStore {
    private let file: BudgetLedgerFile

    /// The ledger for `name` (a ``RuntimeDirectory/keyedName(_:)`` of the key and base URL) in `directory`, on
    /// `clock` (the system's, but for tests).
    package init(directory: RuntimeDirectory, name: String, clock: any TimeSource = SystemTimeSource()) {
        file = BudgetLedgerFile(path: directory.file("budget-" + name + ".ledger"), clock: clock)
    }

    package var label: String { "the runtime directory's budget file" }

    package func attempt(_ request: SlotRequest) async throws(CoordinationError) -> SlotDecision {
        // Ids read back from the file are canonical; the caller's must be too, or it would outrank itself.
        var canonical = request
        canonical.participant = ParticipantID.canonical(request.participant)
        return try await file.update { [canonical] in $0.attempt(canonical, now: $1) }
    }

    package func penalize(seconds: Double) async throws(CoordinationError) {
        try await file.update { $0.penalize(seconds: seconds, now: $1) }
    }

    package func noteStatusNews() async throws(CoordinationError) {
        try await file.update { $0.noteStatusNews(now: $1) }
    }

    package func leave(_ participant: String) async throws(CoordinationError) {
        let participant = ParticipantID.canonical(participant)
        try await file.update { ledger, _ in ledger.leave(participant) }
    }

    package func usedInWindow() async throws(CoordinationError) -> Int {
        try await file.update { $0.used(now: $1) }
    }
}
