/// Text as a reader would see it once one level of escaping is undone, each byte knowing which source bytes it
/// came from, so a secret found in the decoded text is cut out of the source whole.
///
/// One level decodes JSON string escapes (`\"`, `\\`, `\/`, `\n`, `\uXXXX` with surrogate pairs, and `\xHH` as
/// Python and JavaScript print it), percent-encoding (`%XX`) and HTML character references (`&#100;`, `&#x64;`,
/// `&lowbar;`). They are decoded together because a matcher only has to be sure of one thing: that what a person or
/// a model reading the output would understand is not a secret.
struct DecodedText {
    /// The decoded bytes (UTF-8).
    private(set) var bytes: [UInt8]
    /// For each decoded byte, the first source byte it came from (empty: the source itself).
    private var starts: [Int]
    /// For each decoded byte, one past the last source byte it came from (empty: the source itself).
    private var ends: [Int]

    /// The source itself, undecoded; the byte-by-byte map is only made once there is an escape to decode.
    init(source: [UInt8]) {
        bytes = source
        starts = []
        ends = []
    }

    /// The source bytes that the decoded bytes in `range` (not empty) came from.
    func source(of range: Range<Int>) -> Range<Int> { sourceStart(range.lowerBound)..<sourceEnd(range.upperBound - 1) }

    private func sourceStart(_ index: Int) -> Int { starts.isEmpty ? index : starts[index] }
    private func sourceEnd(_ index: Int) -> Int { ends.isEmpty ? index + 1 : ends[index] }

    private init(capacity: Int) {
        bytes = []
        starts = []
        ends = []
        bytes.reserveCapacity(capacity)
        starts.reserveCapacity(capacity)
        ends.reserveCapacity(capacity)
    }

    /// Whether there is anything ``decoded()`` could decode (a backslash, a percent sign or an ampersand).
    var mayHoldEscapes: Bool {
        bytes.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "&") }
    }

    /// This text with one level of escapes undone, or nil when nothing was decoded.
    func decoded() -> DecodedText? {
        var result = DecodedText(capacity: bytes.count)
        var changed = false
        var index = 0
        while index < bytes.count {
            if let (decoded, consumed) = escape(at: index) {
                let start = sourceStart(index), end = sourceEnd(index + consumed - 1)
                for byte in decoded { result.append(byte, from: start, to: end) }
                index += consumed
                changed = true
            } else {
                result.append(bytes[index], from: sourceStart(index), to: sourceEnd(index))
                index += 1
            }
        }
        return changed ? result : nil
    }

    private mutating func append(_ byte: UInt8, from start: Int, to end: Int) {
        bytes.append(byte)
        starts.append(start)
        ends.append(end)
    }

    /// The bytes an escape at `index` stands for and how many bytes it spans, or nil when none starts there.
    private func escape(at index: Int) -> ([UInt8], Int)? {
        switch bytes[index] {
        case UInt8(ascii: "\\"): backslashEscape(at: index)
        case UInt8(ascii: "%"): hexNumber(at: index + 1, digits: 2).map { ([UInt8($0)], 3) }
        case UInt8(ascii: "&"): characterReference(at: index)
        default: nil
        }
    }

    private func backslashEscape(at index: Int) -> ([UInt8], Int)? {
        guard index + 1 < bytes.count else { return nil }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "'"):
            return ([bytes[index + 1]], 2)
        case UInt8(ascii: "b"): return ([0x08], 2)
        case UInt8(ascii: "f"): return ([0x0C], 2)
        case UInt8(ascii: "n"): return ([0x0A], 2)
        case UInt8(ascii: "r"): return ([0x0D], 2)
        case UInt8(ascii: "t"): return ([0x09], 2)
        case UInt8(ascii: "x"): return hexNumber(at: index + 2, digits: 2).map { ([UInt8($0)], 4) }
        case UInt8(ascii: "u"):
            guard let unit = hexNumber(at: index + 2, digits: 4) else { return nil }
            if (0xD800..<0xDC00).contains(unit) {
                // A high surrogate counts only with its low half, as JSON writes characters beyond the BMP.
                guard index + 11 < bytes.count, bytes[index + 6] == UInt8(ascii: "\\"),
                      bytes[index + 7] == UInt8(ascii: "u"), let low = hexNumber(at: index + 8, digits: 4),
                      (0xDC00..<0xE000).contains(low) else { return nil }
                return Self.utf8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)).map { ($0, 12) }
            }
            return Self.utf8(unit).map { ($0, 6) }
        default:
            return nil
        }
    }

    /// `&#NNN;`, `&#xHH;` or a named reference of ``namedReferences``.
    private func characterReference(at index: Int) -> ([UInt8], Int)? {
        guard let semicolon = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")), semicolon > index + 1 else {
            return nil
        }
        let body = bytes[(index + 1)..<semicolon]
        let consumed = semicolon - index + 1
        if body.first == UInt8(ascii: "#") {
            let digits = body.dropFirst()
            let hex = digits.first == UInt8(ascii: "x") || digits.first == UInt8(ascii: "X")
            let number = hex ? digits.dropFirst() : digits
            guard !number.isEmpty, number.count <= 7 else { return nil }
            var value = 0
            for byte in number {
                guard let digit = Self.digit(byte, hex: hex) else { return nil }
                value = value * (hex ? 16 : 10) + digit
            }
            return Self.utf8(value).map { ($0, consumed) }
        }
        guard let character = Self.namedReferences[String(decoding: body, as: UTF8.self)] else { return nil }
        return ([character], consumed)
    }

    /// The value of `digits` hex digits at `index`, or nil when they are not all there.
    private func hexNumber(at index: Int, digits: Int) -> Int? {
        guard index + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<(index + digits)] {
            guard let digit = Self.digit(byte, hex: true) else { return nil }
            value = value * 16 + digit
        }
        return value
    }

    private static func digit(_ byte: UInt8, hex: Bool) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    /// The UTF-8 bytes of a scalar value, or nil for a surrogate or a value beyond Unicode.
    private static func utf8(_ value: Int) -> [UInt8]? {
        guard let value = UInt32(exactly: value), let scalar = Unicode.Scalar(value) else { return nil }
        return Array(String(Character(scalar)).utf8)
    }

    /// The HTML named references of the ASCII characters a key, a password or their base64 can hold besides
    /// letters and digits, and the few every page uses.
    private static let namedReferences: [String: UInt8] = [
        "amp": 0x26, "AMP": 0x26, "lt": 0x3C, "LT": 0x3C, "gt": 0x3E, "GT": 0x3E, "quot": 0x22, "QUOT": 0x22,
        "apos": 0x27, "sol": 0x2F, "bsol": 0x5C, "lowbar": 0x5F, "UnderBar": 0x5F,
        "period": 0x2E, "colon": 0x3A, "semi": 0x3B, "comma": 0x2C, "plus": 0x2B, "equals": 0x3D, "num": 0x23,
        "excl": 0x21, "quest": 0x3F, "commat": 0x40, "percnt": 0x25, "dollar": 0x24, "lpar": 0x28, "rpar": 0x29,
        "lsqb": 0x5B, "lbrack": 0x5B, "rsqb": 0x5D, "rbrack": 0x5D, "lcub": 0x7B, "lbrace": 0x7B, "rcub": 0x7D,
        "rbrace": 0x7D, "ast": 0x2A, "midast": 0x2A, "verbar": 0x7C, "vert": 0x7C, "Hat": 0x5E, "grave": 0x60,
    ]
}
