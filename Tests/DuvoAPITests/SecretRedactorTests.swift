import Diagnostics
import Foundation
import Testing

/// The redactor is process-wide: each test registers secrets of its own, drawn at random, so tests running at the
/// same time cannot see each other's.
@Suite("Secrets are redacted in every encoding a reader would undo")
struct SecretRedactorTests {
    private static func secret(_ shape: String = "") -> String {
        "dv_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() + shape
    }

    private static func redacted(_ text: String, _ secret: String) -> Bool {
        let result = SecretRedactor.redact(text)
        return result.contains(SecretRedactor.placeholder) && !result.contains(secret)
    }

    @Test("as it is, in JSON escapes of any character, with \\/ and with escaped quotes and backslashes")
    func jsonEscapes() {
        let key = Self.secret("\"q\\w/e")
        SecretRedactor.register(key)
        let unicode = key.unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined()
        let mixed = "\\u0064" + key.dropFirst().replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "/", with: "\\/")
        for text in ["invalid token \(key).", "{\"message\":\"token \(unicode)\"}", "token \(mixed) is wrong",
                     "twice escaped: \(unicode.replacingOccurrences(of: "\\", with: "\\\\"))"] {
            #expect(Self.redacted(text, key), "\(text)")
            #expect(!SecretRedactor.redact(text).contains(unicode) && !SecretRedactor.redact(text).contains(mixed))
        }
        #expect(SecretRedactor.redact("{\"message\":\"token \(unicode)\"}") == "{\"message\":\"token [redacted]\"}")
    }

    @Test("percent-encoded and as HTML character references (decimal, hex and named)")
    func urlAndHTML() {
        let key = Self.secret("_x")
        SecretRedactor.register(key)
        let percent = key.utf8.map { String(format: "%%%02X", $0) }.joined()
        let decimal = key.unicodeScalars.map { "&#\($0.value);" }.joined()
        let hex = key.unicodeScalars.map { String(format: "&#x%x;", $0.value) }.joined()
        let named = key.replacingOccurrences(of: "_", with: "&lowbar;")
        for text in ["?key=\(percent)&x=1", "<title>\(decimal)</title>", "<title>\(hex)</title>", "<b>\(named)</b>"] {
            #expect(Self.redacted(text, key), "\(text)")
            #expect(SecretRedactor.redact(text).contains(SecretRedactor.placeholder))
        }
        #expect(SecretRedactor.redact("<title>\(decimal)</title>") == "<title>[redacted]</title>")
    }

    @Test("in base64, alone and inside the base64 of a whole header value, at each alignment")
    func base64() {
        let key = Self.secret()
        SecretRedactor.register(key)
        for prefix in ["", "B", "Be", "Bearer ", "Bearer  "] {
            let encoded = Data((prefix + key).utf8).base64EncodedString()
            let text = "echo: \(encoded)"
            #expect(SecretRedactor.redact(text).contains(SecretRedactor.placeholder), "\(prefix)")
            #expect(!SecretRedactor.redact(text).contains(String(encoded.dropFirst(prefix.count * 2).prefix(16))))
        }
        let pair = "puser:" + UUID().uuidString.prefix(8)
        SecretRedactor.register(pair)
        let header = "Basic " + Data(pair.utf8).base64EncodedString()
        // What may stay is the last character or two, which hold a few bits of the pair and the padding.
        let shown = SecretRedactor.redact("Proxy-Authorization: \(header)")
        #expect(shown.hasPrefix("Proxy-Authorization: Basic [redacted]") && shown.count <= 41, "\(shown)")
    }

    @Test("a secret of any length is redacted, a short one only where it occurs")
    func shortSecrets() {
        // Three bytes: ignored before, as anything under four was.
        let short = "§" + String(UUID().uuidString.prefix(1))
        SecretRedactor.register(short)
        #expect(SecretRedactor.redact("pw=\(short);") == "pw=[redacted];")
        #expect(SecretRedactor.redact("nothing here") == "nothing here")
    }

    @Test("text without a secret comes back unchanged, escapes and all")
    func untouched() {
        SecretRedactor.register(Self.secret())
        let text = "{\"a\":\"\\u0041 &amp; %41 \\/ Zm9vYmFy\"}"
        #expect(SecretRedactor.redact(text) == text)
        #expect(SecretRedactor.redact(bytes: Array(text.utf8)) == nil)
    }
}
