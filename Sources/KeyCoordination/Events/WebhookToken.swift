import Diagnostics
import Digest

/// The secret path segment at which Duvo reaches `duvo webhooks`: the hex HMAC-SHA-256 of a fixed label under the
/// API key. Every process on the key and the receiver derive the same token with no shared state, and the token
/// reveals nothing of the key.
///
/// Making one registers it with ``SecretRedactor``: it is as good as a password for the receiver, so it never
/// appears in a log line, an error or a result.
package struct WebhookToken: Sendable {
    /// The label the key signs; a new version of the scheme changes it, and with it every token.
    package static let label = "duvo-bridge webhook v1"

    /// The token: 64 lowercase hex digits.
    package let value: String
    private let code: [UInt8]

    /// The token of `apiKey`.
    package init(apiKey: String) {
        code = HMACSHA256(key: Array(apiKey.utf8)).authenticationCode(for: Array(Self.label.utf8))
        value = Hex.encode(code)
        SecretRedactor.register(value)
    }

    /// Whether `candidate` (a path segment from outside) is this token, compared in time that does not depend on
    /// where they differ; anything not 64 hex digits is refused at once (its length is no secret).
    package func matches(_ candidate: some StringProtocol) -> Bool {
        guard candidate.utf8.count == value.utf8.count, let bytes = Hex.decode(String(candidate)),
              bytes.count == code.count
        else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(bytes, code) { difference |= left ^ right }
        return difference == 0
    }

    /// The URL Duvo is given: `base`, one slash, the token (whatever `base` ends with).
    package func webhookURL(base: String) -> String {
        var trimmed = Substring(base)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed + "/" + value
    }
}
