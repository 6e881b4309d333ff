/// A random id for one process's budget in a shared ledger: it tells participants apart without naming them.
enum ParticipantID {
    /// 16 random hex digits.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return text(generator.next())
    }

    /// The id as the 64-bit number a binary ledger stores: its value when it is 16 hex digits (every id ``make()``
    /// gives), else a hash of it.
    static func number(_ participant: String) -> UInt64 {
        if participant.utf8.count == 16, let value = UInt64(participant, radix: 16) { return value }
        return participant.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// The id a binary ledger gives back for `number`: 16 lowercase hex digits.
    static func text(_ number: UInt64) -> String {
        let hex = String(number, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `participant` as it reads back from a binary ledger, so comparisons with ids read from one hold.
    static func canonical(_ participant: String) -> String { text(number(participant)) }
}
