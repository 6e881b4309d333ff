/// The ledger as one slot of the budget file's binary layout: 8-byte words, native byte order.
///
/// ```
/// word 0        checksum of the words that follow, up to the last used one
/// words 1-5     blockedUntil, lastStatusNews, reserveTokens, reserveRefilledAt, evenSpreadAt (Double)
/// words 6-7     number of send times, number of waiters
/// then          the send times (Double, oldest first), then per waiter: id, priority, expires
/// ```
/// A slot is read back only when every count fits the slot, the checksum matches and every value makes sense: a
/// torn, foreign or damaged slot is refused (the file is then rebuilt), never trusted.
extension BudgetLedger {
    /// Words of a slot before its send times.
    static let slotHeaderWords = 8

    /// The size of a slot that holds up to `sendCapacity` send times and `waiterCapacity` waiters.
    static func slotBytes(sendCapacity: Int, waiterCapacity: Int) -> Int {
        8 * (slotHeaderWords + sendCapacity + 3 * waiterCapacity)
    }

    /// Reads the ledger in the slot at `slot`; nil unless the slot holds a whole, consistent ledger.
    init?(slot: UnsafeRawPointer, sendCapacity: Int, waiterCapacity: Int) {
        func word(_ index: Int) -> UInt64 { slot.load(fromByteOffset: 8 * index, as: UInt64.self) }
        func double(_ index: Int) -> Double { Double(bitPattern: word(index)) }
        let sends = word(6)
        let waiting = word(7)
        guard sends <= UInt64(sendCapacity), waiting <= UInt64(waiterCapacity) else { return nil }
        let used = Self.slotHeaderWords + Int(sends) + 3 * Int(waiting)
        guard word(0) == Self.checksum(slot, words: used) else { return nil }
        self.init()
        blockedUntil = double(1)
        lastStatusNews = double(2)
        reserveTokens = double(3)
        reserveRefilledAt = double(4)
        evenSpreadAt = double(5)
        guard ![blockedUntil, lastStatusNews, reserveTokens, reserveRefilledAt, evenSpreadAt].contains(where: \.isNaN)
        else {
            return nil
        }
        sendTimes.reserveCapacity(Int(sends))
        for index in 0..<Int(sends) {
            let time = double(Self.slotHeaderWords + index)
            guard time.isFinite, time >= (sendTimes.last ?? -Double.infinity) else { return nil }
            sendTimes.append(time)
        }
        let waitersStart = Self.slotHeaderWords + Int(sends)
        for index in 0..<Int(waiting) {
            let base = waitersStart + 3 * index
            guard let priority = RateBudget.Priority(rawValue: Int(truncatingIfNeeded: word(base + 1))) else {
                return nil
            }
            let expires = double(base + 2)
            guard expires.isFinite else { return nil }
            waiters[ParticipantID.text(word(base))] = Waiter(priority: priority, expires: expires)
        }
    }

    /// Writes the ledger into the slot at `slot`; false (nothing written) when it holds more than the slot's
    /// capacities.
    func write(slot: UnsafeMutableRawPointer, sendCapacity: Int, waiterCapacity: Int) -> Bool {
        guard sendTimes.count <= sendCapacity, waiters.count <= waiterCapacity else { return false }
        func store(_ index: Int, _ value: UInt64) { slot.storeBytes(of: value, toByteOffset: 8 * index, as: UInt64.self) }
        store(1, blockedUntil.bitPattern)
        store(2, lastStatusNews.bitPattern)
        store(3, reserveTokens.bitPattern)
        store(4, reserveRefilledAt.bitPattern)
        store(5, evenSpreadAt.bitPattern)
        store(6, UInt64(sendTimes.count))
        store(7, UInt64(waiters.count))
        for (index, time) in sendTimes.enumerated() { store(Self.slotHeaderWords + index, time.bitPattern) }
        var next = Self.slotHeaderWords + sendTimes.count
        for (participant, waiter) in waiters {
            store(next, ParticipantID.number(participant))
            store(next + 1, UInt64(waiter.priority.rawValue))
            store(next + 2, waiter.expires.bitPattern)
            next += 3
        }
        store(0, Self.checksum(UnsafeRawPointer(slot), words: next))
        return true
    }

    /// FNV-1a over words 1..<`words`, a word at a time: cheap enough for every request, and a torn or foreign slot
    /// matches it only by chance.
    private static func checksum(_ slot: UnsafeRawPointer, words: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in 1..<max(1, words) {
            hash = (hash ^ slot.load(fromByteOffset: 8 * index, as: UInt64.self)) &* 0x100_0000_01b3
        }
        return hash
    }
}
