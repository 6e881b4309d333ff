import Foundation

/// Decodes a `Decodable` type straight from a ``JSONValue``, without writing it out and parsing it again as
/// Foundation's `JSONDecoder` would (which was the largest CPU cost of decoding a request's params).
///
/// It throws the `DecodingError`s `JSONDecoder` throws for the same input (same case, same coding path), so error
/// messages built from them do not change: a missing key is `keyNotFound`, a wrong type `typeMismatch`, `null` for a
/// required value `valueNotFound`. One difference: a number that does not fit the integer type is `dataCorrupted` at
/// the field's path (`JSONDecoder` reports "not valid JSON" at the root, naming no field). Types that
/// `JSONDecoder` treats specially (`URL`, `Date`, `Data`, `Decimal`) are handed to `JSONDecoder`.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, codingPath: [any CodingKey] = []) {
        self.value = value
        self.codingPath = codingPath
    }

    /// Decodes `type` from `value`, short-cutting `JSONValue` itself.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, codingPath: [any CodingKey]) throws -> T {
        if T.self == JSONValue.self, let same = value as? T { return same }
        if T.self is URL.Type || T.self is Date.Type || T.self is Data.Type || T.self is Decimal.Type {
            return try foundationDecode(T.self, from: value, codingPath: codingPath)
        }
        return try T(from: JSONValueDecoder(value, codingPath: codingPath))
    }

    private static func foundationDecode<T: Decodable>(_ type: T.Type, from value: JSONValue,
                                                       codingPath: [any CodingKey]) throws -> T {
        do {
            return try value.foundationDecode(T.self)
        } catch let error as DecodingError {
            throw error.relocated(under: codingPath)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw mismatch([String: JSONValue].self, value, codingPath)
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([JSONValue].self, value, codingPath) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(value: value, codingPath: codingPath)
    }
}

/// The error `JSONDecoder` throws when `value` is not a `type`: `valueNotFound` for `null`, else `typeMismatch`.
private func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
    if value == .null {
        return .valueNotFound(type, .init(codingPath: path, debugDescription: "Cannot get value of type \(type) -- found null value instead"))
    }
    return .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(value.kindName) instead."))
}

/// Reads one JSON value as a primitive the way `JSONDecoder` does.
private func primitive<T>(_ type: T.Type, _ value: JSONValue, _ path: [any CodingKey]) throws -> T {
    switch value {
    case .bool(let flag) where T.self == Bool.self: if let flag = flag as? T { return flag }
    case .string(let text) where T.self == String.self: if let text = text as? T { return text }
    case .number(let number):
        if T.self == Double.self, let double = number.doubleValue as? T { return double }
        if T.self == Float.self, let float = Float(number.doubleValue) as? T { return float }
        if let integerType = T.self as? any FixedWidthInteger.Type {
            if let integer = integer(integerType, number), let result = integer as? T { return result }
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "\(number.literal) does not fit in \(T.self)"))
        }
    default: break
    }
    throw mismatch(T.self, value, path)
}

/// An integer of `type` from a JSON number: exact digits, or a fraction/exponent form with an exact integral value.
private func integer<I: FixedWidthInteger>(_ type: I.Type, _ number: JSONNumber) -> I? {
    if let exact = I(number.literal) { return exact }
    let double = number.doubleValue
    guard double.isFinite, double.rounded() == double else { return nil }
    return I(exactly: double)
}

extension JSONValue {
    /// The JSON type's name, as `JSONDecoder`'s messages spell it.
    fileprivate var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
    }
}

extension DecodingError {
    /// The same error with `prefix` put in front of its coding path.
    fileprivate func relocated(under prefix: [any CodingKey]) -> DecodingError {
        guard !prefix.isEmpty else { return self }
        func moved(_ context: Context) -> Context {
            Context(codingPath: prefix + context.codingPath, debugDescription: context.debugDescription,
                    underlyingError: context.underlyingError)
        }
        switch self {
        case .typeMismatch(let type, let context): return .typeMismatch(type, moved(context))
        case .valueNotFound(let type, let context): return .valueNotFound(type, moved(context))
        case .keyNotFound(let key, let context): return .keyNotFound(key, moved(context))
        case .dataCorrupted(let context): return .dataCorrupted(moved(context))
        @unknown default: return self
        }
    }
}

/// A position in an array, as a coding key.
private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}

extension JSONValueDecoder {
    fileprivate struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [String: JSONValue]
        let codingPath: [any CodingKey]

        var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

        private func member(_ key: Key) throws -> JSONValue {
            guard let value = members[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
            }
            return value
        }

        func decodeNil(forKey key: Key) throws -> Bool { try member(key) == .null }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try primitive(type, member(key), codingPath + [key]) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try primitive(type, member(key), codingPath + [key]) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try JSONValueDecoder.decode(type, from: member(key), codingPath: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            try JSONValueDecoder(member(key), codingPath: codingPath + [key]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try JSONValueDecoder(member(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            JSONValueDecoder(members["super"] ?? .null, codingPath: codingPath)
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            JSONValueDecoder(members[key.stringValue] ?? .null, codingPath: codingPath + [key])
        }
    }

    fileprivate struct UnkeyedContainer: UnkeyedDecodingContainer {
        let elements: [JSONValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0

        init(elements: [JSONValue], codingPath: [any CodingKey]) {
            self.elements = elements
            self.codingPath = codingPath
        }

        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        private mutating func next<T>(_ type: T.Type) throws -> (JSONValue, [any CodingKey]) {
            let path = codingPath + [IndexKey(currentIndex)]
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "Unkeyed container is at end."))
            }
            defer { currentIndex += 1 }
            return (elements[currentIndex], path)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, elements[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (value, path) = try next(type)
            return try JSONValueDecoder.decode(type, from: value, codingPath: path)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            let (value, path) = try next(KeyedDecodingContainer<NestedKey>.self)
            return try JSONValueDecoder(value, codingPath: path).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let (value, path) = try next((any UnkeyedDecodingContainer).self)
            return try JSONValueDecoder(value, codingPath: path).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder {
            let (value, path) = try next((any Decoder).self)
            return JSONValueDecoder(value, codingPath: path)
        }
    }

    fileprivate struct SingleValueContainer: SingleValueDecodingContainer {
        let value: JSONValue
        let codingPath: [any CodingKey]

        func decodeNil() -> Bool { value == .null }
        func decode(_ type: Bool.Type) throws -> Bool { try primitive(type, value, codingPath) }
        func decode(_ type: String.Type) throws -> String { try primitive(type, value, codingPath) }
        func decode(_ type: Double.Type) throws -> Double { try primitive(type, value, codingPath) }
        func decode(_ type: Float.Type) throws -> Float { try primitive(type, value, codingPath) }
        func decode(_ type: Int.Type) throws -> Int { try primitive(type, value, codingPath) }
        func decode(_ type: Int8.Type) throws -> Int8 { try primitive(type, value, codingPath) }
        func decode(_ type: Int16.Type) throws -> Int16 { try primitive(type, value, codingPath) }
        func decode(_ type: Int32.Type) throws -> Int32 { try primitive(type, value, codingPath) }
        func decode(_ type: Int64.Type) throws -> Int64 { try primitive(type, value, codingPath) }
        func decode(_ type: UInt.Type) throws -> UInt { try primitive(type, value, codingPath) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try primitive(type, value, codingPath) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try primitive(type, value, codingPath) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try primitive(type, value, codingPath) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try primitive(type, value, codingPath) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONValueDecoder.decode(type, from: value, codingPath: codingPath)
        }
    }
}
