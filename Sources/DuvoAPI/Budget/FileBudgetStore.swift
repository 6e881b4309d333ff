/// A key's ledger in a file of the runtime directory, shared by every process of this user on this machine.
///
/// Times are on `CLOCK_MONOTONIC`, which all processes of one boot share. The file holds send times, a penalty and
/// random participant ids: nothing about the key, whose keyed hash only names the file.
public final class FileBudgetStore: BudgetStore {
    private let file: LockedFile

    /// The ledger for `name` (a ``RuntimeDirectory/keyedName(_:)`` of the key and base URL) in `directory`.
    public init(directory: RuntimeDirectory, name: String) {
        file = LockedFile(path: directory.file("budget-" + name))
    }

    public var label: String { "the runtime directory's budget file" }

    public func attempt(_ request: SlotRequest) throws(CoordinationError) -> SlotDecision {
        try change { $0.attempt(request, now: MonotonicClock.now()) }
    }

    public func penalize(seconds: Double) throws(CoordinationError) {
        try change { $0.penalize(seconds: seconds, now: MonotonicClock.now()) }
    }

    public func noteStatusNews() throws(CoordinationError) {
        try change { $0.noteStatusNews(now: MonotonicClock.now()) }
    }

    public func leave(_ participant: String) throws(CoordinationError) {
        try change { $0.leave(participant) }
    }

    public func usedInWindow() throws(CoordinationError) -> Int {
        var ledger = BudgetLedger(text: try file.read())
        return ledger.used(now: MonotonicClock.now())
    }

    private func change<T>(_ body: (inout BudgetLedger) -> T) throws(CoordinationError) -> T {
        try file.update { text in
            var ledger = BudgetLedger(text: text)
            let result = body(&ledger)
            text = ledger.text
            return result
        }
    }
}
