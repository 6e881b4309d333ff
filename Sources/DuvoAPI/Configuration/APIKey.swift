/// A Duvo API key, kept out of every description so it cannot leak into logs, errors or output.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; read it only to build the `Authorization` header.
    package let secret: String
    /// The fewest characters a key may have: a shorter one is a mistake (a truncated paste, a placeholder), and
    /// redacting a string of a few characters from every output would mangle ordinary text.
    package static let minimumLength = 8

    /// Wraps a key; surrounding white space (a trailing newline in a key file) is removed.
    public init(_ secret: String) {
        self.secret = secret.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "APIKey([redacted])" }
}

import Foundation
