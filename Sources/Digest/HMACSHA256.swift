/// HMAC-SHA-256 (RFC 2104), for tokens a process signs and later checks (MCP `requestState`).
public struct HMACSHA256: Sendable {
    private let innerKey: [UInt8]
    private let outerKey: [UInt8]

    /// A signer with `key` (any length; longer than a block is hashed first, as RFC 2104 says).
    public init(key: [UInt8]) {
        var block = key.count > SHA256.blockSize ? SHA256.hash(key) : key
        block += [UInt8](repeating: 0, count: SHA256.blockSize - block.count)
        innerKey = block.map { $0 ^ 0x36 }
        outerKey = block.map { $0 ^ 0x5c }
    }

    /// The 32-byte authentication code of `message`.
    public func authenticationCode<Bytes: Sequence>(for message: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var inner = SHA256()
        inner.update(innerKey)
        inner.update(message)
        var outer = SHA256()
        outer.update(outerKey)
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// Whether `code` is `message`'s authentication code, compared in time that does not depend on where they differ.
    public func isValid<Bytes: Sequence>(_ code: [UInt8], for message: Bytes) -> Bool where Bytes.Element == UInt8 {
        let expected = authenticationCode(for: message)
        guard code.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(code, expected) { difference |= left ^ right }
        return difference == 0
    }
}
