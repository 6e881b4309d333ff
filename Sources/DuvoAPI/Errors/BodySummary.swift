/// One line describing a body that is not Duvo's JSON, for an error message: the title of an HTML page (a proxy's
/// `502 Bad Gateway`), or the first words of text with line breaks and control characters folded into spaces.
/// Never the raw bytes: a message must stay one readable line.
enum BodySummary {
    /// The longest excerpt of a text body.
    static let excerptLength = 120

    /// Describes `body` (already redacted), with the response's `Content-Type` when it sent one.
    static func describe(_ body: [UInt8], contentType: String?) -> String {
        if body.isEmpty { return "an empty body" }
        let text = String(decoding: body.prefix(16_384), as: UTF8.self)
        let isHTML = contentType?.lowercased().contains("html") == true
            || text.drop(while: { $0.isWhitespace }).hasPrefix("<")
        if isHTML {
            guard let title = title(in: text), !title.isEmpty else { return "an HTML page" }
            return "an HTML page titled '\(excerpt(title))'"
        }
        return "a body that is not Duvo's JSON: '\(excerpt(text))'"
    }

    /// The text of the first `<title>` element, folded to one line.
    private static func title(in html: String) -> String? {
        let lower = html.lowercased()
        guard let open = lower.range(of: "<title"), let close = lower[open.upperBound...].firstIndex(of: ">"),
              let end = lower[close...].range(of: "</title>") else { return nil }
        let start = html.index(after: close)
        guard start <= end.lowerBound else { return nil }
        return folded(html[start..<end.lowerBound])
    }

    /// At most ``excerptLength`` characters of `text` on one line, with `…` when cut.
    private static func excerpt(_ text: some StringProtocol) -> String {
        let line = folded(text)
        return line.count > excerptLength ? String(line.prefix(excerptLength)) + "…" : line
    }

    /// `text` with every run of white space and control characters turned into one space, trimmed.
    private static func folded(_ text: some StringProtocol) -> String {
        var result = ""
        var pendingSpace = false
        for character in text {
            if character.isWhitespace || character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.append(character)
        }
        return result
    }
}
