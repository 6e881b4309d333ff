/// One `kind=value[:DURATION]` part of a fault spec (`--faults`, `--webhook-faults`), split but not yet read.
struct FaultSpecPart: Sendable {
    /// The option the spec came from, for errors.
    let option: String
    /// The part as written, for errors.
    let text: String
    let kind: String
    let value: Substring
    /// What follows the value's `:`, if anything.
    let duration: Substring?

    /// Splits `text` at commas into parts.
    /// - Throws: ``FaultSpecError`` for a part without `=`.
    static func split(_ text: String, option: String) throws(FaultSpecError) -> [FaultSpecPart] {
        var parts: [FaultSpecPart] = []
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimming(" ") }
            guard pair.count == 2 else {
                throw FaultSpecError(option: option, part: String(part), reason: "expected kind=value")
            }
            var value = Substring(pair[1])
            var duration: Substring?
            if let colon = value.firstIndex(of: ":") {
                duration = value[value.index(after: colon)...]
                value = value[..<colon]
            }
            parts.append(
                FaultSpecPart(option: option, text: String(part), kind: pair[0], value: value, duration: duration))
        }
        return parts
    }

    /// An error about this part.
    func error(_ reason: String) -> FaultSpecError {
        FaultSpecError(option: option, part: text, reason: reason)
    }

    /// The value as a probability from 0 to 1.
    func probability() throws(FaultSpecError) -> Double {
        guard let rate = Double(value), rate >= 0, rate <= 1 else {
            throw error("the probability must be a number from 0 to 1")
        }
        return rate
    }

    /// The duration in milliseconds (`300ms`, `2s`, or bare milliseconds, at most 60 s), or `fallback` without one.
    func milliseconds(or fallback: Int) throws(FaultSpecError) -> Int {
        guard let text = duration else { return fallback }
        let (digits, scale): (Substring, Double) =
            text.hasSuffix("ms") ? (text.dropLast(2), 1) : text.hasSuffix("s") ? (text.dropLast(1), 1000) : (text, 1)
        guard let value = Double(digits), value >= 0, value <= 60_000 / scale else {
            throw error("\(kind) needs a duration such as 300ms or 2s (at most 60s)")
        }
        return Int(value * scale)
    }

    /// Refuses a `:DURATION` on a kind that takes none.
    func noDuration() throws(FaultSpecError) {
        if duration != nil { throw error("\(kind) takes no duration") }
    }
}
