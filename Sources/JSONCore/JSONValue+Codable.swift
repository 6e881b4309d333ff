import Foundation

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .number(JSONNumber(value))
        } else if let value = try? container.decode(Double.self) {
            self = .number(JSONNumber(value))
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let number):
            if let int = Int64(number.literal) {
                try container.encode(int)
            } else {
                try container.encode(number.doubleValue)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// Decodes this value into a `Decodable` type, for the places where a typed struct is validated.
    /// - Throws: `DecodingError` whose coding path names the offending field.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder.decode(T.self, from: self, codingPath: [])
    }

    /// Decodes through Foundation's `JSONDecoder` (the reference ``decode(_:)`` is checked against in tests).
    public func foundationDecode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(JSONWriter().bytes(self)))
    }

    /// The JSON form of an `Encodable` value.
    public init<T: Encodable>(encoding value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(value)
        self = try JSONParser().parse(data)
    }

    /// Parses JSON text from `Data`.
    public init(parsing data: Data) throws(JSONParseError) {
        self = try JSONParser().parse(data)
    }

    /// The value's compact JSON text as `Data`.
    public func data(sortedKeys: Bool = false) -> Data {
        Data(JSONWriter(sortedKeys: sortedKeys).bytes(self))
    }
}

extension DecodingError {
    /// The dotted path of the field a decoding error is about, e.g. `answers.0` or `run_id`; empty for the root.
    public var fieldPath: String {
        let context: Context?
        switch self {
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx): context = ctx
        case .keyNotFound(let key, let ctx):
            return (ctx.codingPath + [key]).map(\.pathComponent).joined(separator: ".")
        @unknown default: context = nil
        }
        return context?.codingPath.map(\.pathComponent).joined(separator: ".") ?? ""
    }

    /// A one-line explanation naming the field, suitable for an `invalid params` message.
    public var plainDescription: String {
        let path = fieldPath.isEmpty ? "params" : "'\(fieldPath)'"
        switch self {
        case .keyNotFound: return "missing required field \(path)"
        case .typeMismatch(let type, _): return "\(path) must be \(Self.describe(type))"
        case .valueNotFound(let type, _): return "\(path) must be \(Self.describe(type)), not null"
        case .dataCorrupted(let ctx): return "\(path): \(ctx.debugDescription)"
        @unknown default: return "invalid \(path)"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : (String(describing: type).hasPrefix("Dictionary") ? "an object" : "of type \(type)")
        }
    }
}

extension CodingKey {
    fileprivate var pathComponent: String { intValue.map(String.init) ?? stringValue }
}
