/// The ledger as one slot of the budget file's binary layout: 8-byte words, native byte order.
///
/// ```
/// word 0        checksum of the words that follow, up to the last used one
/// words 1-5     blockedUntil, lastStatusNews, reserveTokens, reserveRefilledAt, evenSpreadAt (Double)
/// words 6-7     number of send times, number of waiters
/// then          the send times (Double, oldest first), then per waiter: id, priority, expires
/// ```
/// A slot is read back only when every count fits the slot and the bytes read, the checksum matches and every value
/// makes sense: a torn, foreign or damaged slot is refused (the file is then rebuilt), never trusted.
extension BudgetLedger {
    /// Words of a slot before its send times.
    static let slotHeaderWords = 8
    /// The most send times and waiters a slot may be laid out for: far beyond any real limit, and small enough that
    /// no size computed from them overflows.
    static let slotCapacityLimits = (sends: 1 << 20, waiters: 1 << 16)

    /// The size of a slot that holds up to `sendCapacity` send times and `waiterCapacity` waiters.
    /// - Important: both are within ``slotCapacityLimits``.
    static func slotBytes(sendCapacity: Int, waiterCapacity: Int) -> Int {
        8 * (slotHeaderWords + sendCapacity + 3 * waiterCapacity)
    }

    /// Reads the ledger in `slot`, laid out for `sendCapacity` send times and `waiterCapacity` waiters; nil unless the
    /// bytes hold a whole, consistent ledger. Any bytes at all may come in: every count is checked against the slot's
    /// capacities and against `slot.count` before it is used.
    package init?(slot: UnsafeRawBufferPointer, sendCapacity: Int, waiterCapacity: Int) {
        guard (0...Self.slotCapacityLimits.sends).contains(sendCapacity),
              (0...Self.slotCapacityLimits.waiters).contains(waiterCapacity),
              slot.count >= Self.slotBytes(sendCapacity: sendCapacity, waiterCapacity: waiterCapacity)
        else { return nil }
        func word(_ index: Int) -> UInt64 { slot.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self) }
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
        guard blockedUntil.isFinite, reserveTokens.isFinite,
              ![lastStatusNews, reserveRefilledAt, evenSpreadAt].contains(where: { $0.isNaN || $0 == .infinity })
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

    /// The slot's used words as bytes (the rest of the slot is never read); nil when the ledger holds more than the
    /// slot's capacities.
    package func encoded(sendCapacity: Int, waiterCapacity: Int) -> [UInt8]? {
        guard sendTimes.count <= sendCapacity, waiters.count <= waiterCapacity else { return nil }
        var words = [UInt64](repeating: 0, count: Self.slotHeaderWords)
        words[1] = blockedUntil.bitPattern
        words[2] = lastStatusNews.bitPattern
        words[3] = reserveTokens.bitPattern
        words[4] = reserveRefilledAt.bitPattern
        words[5] = evenSpreadAt.bitPattern
        words[6] = UInt64(sendTimes.count)
        words[7] = UInt64(waiters.count)
        words += sendTimes.map(\.bitPattern)
        for (participant, waiter) in waiters {
            words += [ParticipantID.number(participant), UInt64(waiter.priority.rawValue), waiter.expires.bitPattern]
        }
        var bytes = words.withUnsafeBytes { Array($0) }
        bytes.withUnsafeMutableBytes { slot in
            slot.storeBytes(of: Self.checksum(UnsafeRawBufferPointer(slot), words: words.count), as: UInt64.self)
        }
        return bytes
    }

    /// FNV-1a over words 1..<`words`, a word at a time: cheap enough for every request, and a torn or foreign slot
    /// matches it only by chance.
    /// - Important: `slot` holds at least `words` words.
    private static func checksum(_ slot: UnsafeRawBufferPointer, words: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in 1..<max(1, words) {
            hash = (hash ^ slot.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)) &* 0x100_0000_01b3
        }
        return hash
    }
}
