import Synchronization

/// The process's one list of secrets (the API key, proxy and Redis passwords) that must appear in no output.
///
/// Components register a secret once, when they learn it. Text is redacted where it enters the process (Duvo's
/// answers, before they are decoded) and again where it leaves it in its final form (each JSON-RPC frame, each CLI
/// line, each log line), so an escape undone in between cannot bring a secret back. A secret is found as it is, in
/// base64 (at each of the three alignments it can have inside a longer base64 text, so the base64 of a whole
/// `Authorization` or `Proxy-Authorization` value is found too), and behind up to ``decodingLevels`` levels of JSON
/// escapes, percent-encoding and HTML character references, mixed freely.
public enum SecretRedactor {
    /// What replaces a secret.
    public static let placeholder = "[redacted]"
    /// How many levels of escaping are looked through (a `\u0064` inside a JSON string inside a JSON-RPC frame is two).
    static let decodingLevels = 3
    /// The shortest secret whose base64 is looked for: a shorter one's base64 is a few characters that occur by
    /// chance in ordinary base64 (ids, hashes), which would be mangled.
    static let minimumBase64Length = 6

    private static let registry = Mutex(Registry())

    /// The secrets and the byte patterns they are looked for as, indexed by first byte.
    private struct Registry: Sendable {
        var secrets: Set<String> = []
        var patterns: [[[UInt8]]] = Array(repeating: [], count: 256)

        mutating func add(_ secret: String) {
            guard secrets.insert(secret).inserted else { return }
            let bytes = Array(secret.utf8)
            var found = [bytes]
            if bytes.count >= SecretRedactor.minimumBase64Length { found += Base64Cores.of(bytes) }
            for pattern in found where !pattern.isEmpty && !patterns[Int(pattern[0])].contains(pattern) {
                patterns[Int(pattern[0])].append(pattern)
            }
        }
    }

    /// Registers `secret` (any length but empty); from now on it is replaced wherever text is redacted.
    public static func register(_ secret: String) {
        guard !secret.isEmpty else { return }
        registry.withLock { $0.add(secret) }
    }

    /// Whether any secret is registered (to skip work on hot paths).
    public static var isEmpty: Bool { registry.withLock { $0.secrets.isEmpty } }

    /// `text` with every registered secret, in any of its encodings, replaced by ``placeholder``.
    public static func redact(_ text: String) -> String {
        guard let redacted = redact(bytes: Array(text.utf8)) else { return text }
        return String(decoding: redacted, as: UTF8.self)
    }

    /// `bytes` with every registered secret, in any of its encodings, replaced by ``placeholder``, or nil when none
    /// occurs (the common case).
    public static func redact(bytes: [UInt8]) -> [UInt8]? {
        guard !bytes.isEmpty else { return nil }
        let patterns = registry.withLock { $0.secrets.isEmpty ? nil : $0.patterns }
        guard let patterns else { return nil }
        var text = DecodedText(source: bytes)
        var ranges = matches(in: text, patterns: patterns)
        for _ in 0..<decodingLevels {
            guard text.mayHoldEscapes, let decoded = text.decoded() else { break }
            text = decoded
            ranges += matches(in: text, patterns: patterns)
        }
        guard !ranges.isEmpty else { return nil }
        return replacing(merged(ranges), in: bytes)
    }

    /// The source ranges of every occurrence of a pattern in `text`.
    private static func matches(in text: DecodedText, patterns: [[[UInt8]]]) -> [Range<Int>] {
        let bytes = text.bytes
        var found: [Range<Int>] = []
        for index in bytes.indices {
            for pattern in patterns[Int(bytes[index])] where index + pattern.count <= bytes.count {
                guard bytes[index..<(index + pattern.count)].elementsEqual(pattern) else { continue }
                found.append(text.source(of: index..<(index + pattern.count)))
            }
        }
        return found
    }

    /// `ranges` sorted, with overlapping and touching ones joined.
    private static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    private static func replacing(_ ranges: [Range<Int>], in bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var position = 0
        for range in ranges {
            result += bytes[position..<range.lowerBound]
            result += placeholder.utf8
            position = range.upperBound
        }
        result += bytes[position...]
        return result
    }
}

/// The base64 characters that encode a secret wherever it sits in a longer text that is base64-encoded.
enum Base64Cores {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// For each of the three byte offsets the secret can start at within a 3-byte group, the characters that
    /// depend on the secret's bits alone, in the standard and the URL-safe alphabet.
    static func of(_ secret: [UInt8]) -> [[UInt8]] {
        var cores: [[UInt8]] = []
        for offset in 0..<3 {
            let padded = [UInt8](repeating: 0, count: offset) + secret
            // Character i holds bits 6i..<6i+6; the secret's bits are 8*offset..<8*(offset+count).
            let first = (8 * offset + 5) / 6
            let end = 8 * padded.count / 6
            guard first < end else { continue }
            for alphabet in [standard, urlSafe] {
                let core = Array(encode(padded, alphabet: alphabet)[first..<end])
                if !cores.contains(core) { cores.append(core) }
            }
        }
        return cores
    }

    /// `bytes` in base64 without `=` padding (the last character's missing bits are zero).
    private static func encode(_ bytes: [UInt8], alphabet: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var group = 0
            for (position, byte) in chunk.enumerated() { group |= Int(byte) << (16 - 8 * position) }
            for character in 0...chunk.count { result.append(alphabet[(group >> (18 - 6 * character)) & 0x3F]) }
            index += 3
        }
        return result
    }
}
