/// A JSON number as the literal text it was written with, so that no precision is lost in transit.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number exactly as it appears in JSON text, e.g. `42`, `-0.5`, `1e400`.
    public let literal: String

    /// Wraps literal text that is already known to be a valid JSON number.
    ///
    /// - Important: The text is not checked; the parser and the integer/floating initialisers only make valid ones.
    public init(uncheckedLiteral literal: String) {
        self.literal = literal
    }

    /// A number written as an integer.
    public init<I: BinaryInteger>(_ value: I) {
        self.literal = String(value)
    }

    /// A number written in the shortest form that reads back as the same `Double`; integral values print without
    /// a fraction. Non-finite values have no JSON form and become `0`.
    public init(_ value: Double) {
        if !value.isFinite {
            self.literal = "0"
        } else if value == value.rounded(), abs(value) < 1e15 {
            self.literal = String(Int64(value))
        } else {
            self.literal = "\(value)"
        }
    }

    /// The value as an `Int`, when the literal is an integer that fits (`2.0` and `1e3` count as integers).
    public var intValue: Int? {
        if let exact = Int(literal) { return exact }
        guard let double = Double(literal), double == double.rounded(), abs(double) < 9.2e18 else { return nil }
        return Int(double)
    }

    /// The value as the nearest `Double`.
    public var doubleValue: Double {
        Double(literal) ?? .nan
    }

    public var description: String { literal }
}
