import Platform

/// ISO 8601 timestamps as the simulator writes and reads them.
///
/// Written with whole seconds in UTC (`2026-05-17T10:00:00Z`) because jq's `fromdateiso8601`, which the operations
/// guide's duration script uses, rejects fractional seconds.
public enum Timestamp {
    /// `milliseconds` since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (the fraction is dropped, not rounded).
    public static func format(_ milliseconds: Int64) -> String {
        let parts = utcParts(milliseconds)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        append(parts.year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        append(parts.month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        append(parts.day, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendTimeOfDay(parts, to: &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `milliseconds` since the epoch as an HTTP date (RFC 9110 IMF-fixdate), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func httpDate(_ milliseconds: Int64) -> String {
        let parts = utcParts(milliseconds)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var out: [UInt8] = Array(days[parts.weekday % 7].utf8) + Array(", ".utf8)
        append(parts.day, width: 2, to: &out)
        out += Array(" \(months[(parts.month - 1) % 12]) ".utf8)
        append(parts.year, width: 4, to: &out)
        out.append(UInt8(ascii: " "))
        appendTimeOfDay(parts, to: &out)
        out += Array(" GMT".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// The UTC calendar fields of `milliseconds` since the epoch.
    private static func utcParts(_ milliseconds: Int64) -> Platform.CalendarFields {
        Platform.utcFields(epochSeconds: floorDiv(milliseconds, 1000))
    }

    /// Appends `HH:MM:SS`.
    private static func appendTimeOfDay(_ parts: Platform.CalendarFields, to out: inout [UInt8]) {
        append(parts.hour, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        append(parts.minute, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        append(parts.second, width: 2, to: &out)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` into milliseconds since the epoch; nil when invalid.
    ///
    /// A space where the offset's `+` should be is accepted, because an unencoded `+` in a query string arrives as
    /// a space.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == UInt8(ascii: "-"), let month = number(5, 2),
            bytes[7] == UInt8(ascii: "-"), let day = number(8, 2),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            let hour = number(11, 2), bytes[13] == UInt8(ascii: ":"), let minute = number(14, 2),
            bytes[16] == UInt8(ascii: ":"), let second = number(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fractionMs = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 3 { fractionMs = fractionMs * 10 + Int(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 3)..<3 { fractionMs *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: " "), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, let oh = number(index + 1, 2), bytes[index + 3] == UInt8(ascii: ":"),
                let om = number(index + 4, 2), oh < 24, om < 60
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        let fields = Platform.CalendarFields(year: year, month: month, day: day, hour: hour, minute: minute,
                                             second: second)
        let epoch = Platform.epochSeconds(utc: fields) - Int64(offsetSeconds)
        return epoch * 1000 + Int64(fractionMs)
    }

    /// `milliseconds` truncated to the whole second a formatted timestamp shows.
    static func wholeSecond(_ milliseconds: Int64) -> Int64 {
        floorDiv(milliseconds, 1000) * 1000
    }

    private static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    private static func append(_ value: Int, width: Int, to out: inout [UInt8]) {
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(UInt8(48 + rest % 10))
            rest /= 10
        } while rest > 0
        for _ in digits.count..<max(width, digits.count) { out.append(48) }
        out.append(contentsOf: digits.reversed())
    }
}
