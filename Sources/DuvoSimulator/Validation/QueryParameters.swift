import HTTPServer

/// Typed access to a request's query string; unknown parameters are ignored, as the docs allow.
struct QueryParameters {
    let request: HTTPRequest

    /// The integer parameter `name`, `fallback` when absent.
    /// - Throws: 400 `invalid_field` when not an integer or outside `range`.
    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let text = request.query(name) else { return fallback }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(text),
            range.contains(value)
        else {
            let bound =
                range.upperBound == Int.max
                ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw .invalidField("Query parameter '\(name)' must be an integer \(bound), got '\(text.prefix(32))'.")
        }
        return value
    }

    /// The parameter `name` when it is one of `choices`, `fallback` when absent.
    func choice(_ name: String, _ choices: [String], default fallback: String?) throws(APIError) -> String? {
        guard let text = request.query(name) else { return fallback }
        guard choices.contains(text) else {
            throw .invalidField(
                "Query parameter '\(name)' must be one of \(choices.joined(separator: ", ")), got '\(text.prefix(32))'."
            )
        }
        return text
    }

    /// The raw value of `name`, or nil.
    func string(_ name: String) -> String? { request.query(name) }
}
