/// Reads one HTTP/1.1 response from bytes as they arrive: status line, headers, then a body framed by
/// `Content-Length`, chunked transfer coding, or the end of the connection.
struct HTTPResponseReader {
    /// Why a response could not be read.
    struct InvalidResponse: Error {
        let reason: String
    }

    enum Outcome {
        case needMore
        case complete(APIResponse, keepAlive: Bool)
        case invalid(String)
    }

    private var bytes: [UInt8] = []
    private var head: (status: Int, headers: [String: String], bodyStart: Int, keepAlive: Bool)?

    mutating func append(_ chunk: some Collection<UInt8>) {
        bytes.append(contentsOf: chunk)
    }

    mutating func parse() -> Outcome {
        if head == nil {
            guard let end = headEnd() else { return bytes.count > 65_536 ? .invalid("headers too large") : .needMore }
            guard let parsed = parseHead(upTo: end) else { return .invalid("bad status line or header") }
            head = parsed
        }
        guard let head else { return .needMore }
        let body = bytes[head.bodyStart...]
        if head.headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            switch Self.dechunk(body) {
            case .none: return .needMore
            case .some(.failure(let error)): return .invalid(error.reason)
            case .some(.success(let decoded)):
                return .complete(APIResponse(status: head.status, headers: head.headers, body: decoded),
                                 keepAlive: head.keepAlive)
            }
        }
        if let lengthText = head.headers["content-length"] {
            guard let length = Int(lengthText), length >= 0 else {  // already trimmed by parseHead
                return .invalid("bad Content-Length")
            }
            guard body.count >= length else { return .needMore }
            return .complete(APIResponse(status: head.status, headers: head.headers,
                                         body: Array(body.prefix(length))), keepAlive: head.keepAlive)
        }
        if head.status == 204 || head.status == 304 || (100..<200).contains(head.status) {
            return .complete(APIResponse(status: head.status, headers: head.headers, body: []), keepAlive: head.keepAlive)
        }
        return .needMore  // delimited by the end of the connection
    }

    /// The response when the server closed the connection to end the body.
    func finishAtEndOfStream() -> APIResponse? {
        guard let head, head.headers["content-length"] == nil,
              head.headers["transfer-encoding"] == nil else { return nil }
        return APIResponse(status: head.status, headers: head.headers, body: Array(bytes[head.bodyStart...]))
    }

    private func headEnd() -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// Splits the head on CRLF as bytes: Foundation's `components(separatedBy:)` and `trimmingCharacters(in:)` were a
    /// tenth of the bridge's CPU time per call.
    private func parseHead(upTo end: Int) -> (status: Int, headers: [String: String], bodyStart: Int, keepAlive: Bool)? {
        let lines = bytes[0..<end].split(separator: 10, omittingEmptySubsequences: false)
        guard let first = lines.first else { return nil }
        let statusLine = String(decoding: first.last == 13 ? first.dropLast() : first, as: UTF8.self)
            .split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            return nil
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let (name, value) = HTTPHeaderLine.split(line) else { return nil }
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        let connection = headers["connection"]?.lowercased() ?? ""
        let keepAlive = statusLine[0] == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        return (status, headers, end + 4, keepAlive)
    }

    /// `text` without leading and trailing spaces and tabs (the optional whitespace around a header value).
    private static func trimmed(_ text: Substring) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(text[first...last])
    }

    /// The decoded body, nil while incomplete.
    private static func dechunk(_ body: ArraySlice<UInt8>) -> Result<[UInt8], InvalidResponse>? {
        var decoded: [UInt8] = []
        var index = body.startIndex
        while true {
            guard let lineEnd = body[index...].firstIndex(of: 13), lineEnd + 1 < body.endIndex else { return nil }
            let sizeText = String(decoding: body[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(Self.trimmed(sizeText), radix: 16), size >= 0 else {
                return .failure(InvalidResponse(reason: "bad chunk size"))
            }
            let dataStart = lineEnd + 2
            if size == 0 { return body.count >= dataStart - body.startIndex + 2 ? .success(decoded) : nil }
            guard body.endIndex >= dataStart + size + 2 else { return nil }
            decoded.append(contentsOf: body[dataStart..<(dataStart + size)])
            index = dataStart + size + 2
        }
    }
}

import Foundation
