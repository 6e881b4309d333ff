import JSONCore

/// The `id` of a JSON-RPC request, kept exactly as the client wrote it so that the answer echoes it byte for byte.
///
/// Numbers keep their literal text: an id such as `12345678901234567890123` (beyond 2^53) comes back unchanged, and
/// `1` and `1.0` are different ids. Booleans, arrays and objects are not ids.
public enum RPCRequestID: Sendable, Hashable {
    case string(String)
    case number(JSONNumber)
    /// Allowed by JSON-RPC 2.0 though discouraged; also the id of answers to frames whose id could not be read.
    case null

    /// Reads an id from its JSON form, or `nil` for a boolean, array or object (an invalid request, -32600).
    public init?(json: JSONValue) {
        switch json {
        case .string(let text): self = .string(text)
        case .number(let number): self = .number(number)
        case .null: self = .null
        case .bool, .array, .object: return nil
        }
    }

    /// The id's JSON form, for writing it back.
    public var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .number(let number): .number(number)
        case .null: .null
        }
    }
}

extension RPCRequestID: CustomStringConvertible {
    /// The id as it appears in JSON, e.g. `"s1"`, `42` or `null`, for log lines.
    public var description: String { JSONWriter().string(json) }
}

extension RPCRequestID: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// A string id.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A number id.
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
}
