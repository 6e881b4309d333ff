#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The process's one list of secrets (the API key, proxy and Redis passwords) that must appear in no output.
///
/// Components register a secret once, when they learn it; every place where outside text enters the process's
/// output (Duvo's answers becoming errors or results, log lines) calls ``redact(_:)``. Registering is cheap and
/// idempotent; redacting text that holds no secret costs one substring search per secret.
public enum SecretRedactor {
    /// What replaces a secret.
    public static let placeholder = "[redacted]"

    private static let secrets = Mutex<[String]>([])

    /// Registers `secret`; from now on it is replaced wherever text is redacted. Empty strings and strings shorter
    /// than 4 characters are ignored (redacting them would mangle ordinary text).
    public static func register(_ secret: String) {
        guard secret.utf8.count >= 4 else { return }
        secrets.withLock { list in
            if !list.contains(secret) { list.append(secret) }
        }
    }

    /// Whether any secret is registered (to skip work on hot paths).
    public static var isEmpty: Bool { secrets.withLock { $0.isEmpty } }

    /// `text` with every registered secret replaced by ``placeholder``.
    public static func redact(_ text: String) -> String {
        let list = secrets.withLock { $0 }
        var result = text
        for secret in list { result = result.replacingAll(secret, with: placeholder) }
        return result
    }

    /// `bytes` with every registered secret replaced by ``placeholder``, or nil when none occurs (the common case,
    /// found with `memchr`/`memcmp`, so a large answer is scanned at memory speed).
    public static func redact(bytes: [UInt8]) -> [UInt8]? {
        let list = secrets.withLock { $0 }
        guard !list.isEmpty, !bytes.isEmpty else { return nil }
        guard list.contains(where: { contains(bytes, Array($0.utf8)) }) else { return nil }
        return Array(redact(String(decoding: bytes, as: UTF8.self)).utf8)
    }

    /// Whether `needle` (not empty) occurs in `haystack`.
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pattern in
                guard let base = hay.baseAddress, let patternBase = pattern.baseAddress else { return false }
                let last = hay.count - pattern.count
                var offset = 0
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                    let position = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + position, patternBase, pattern.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }
}
