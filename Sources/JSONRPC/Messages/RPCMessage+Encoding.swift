import JSONCore

extension RPCMessage {
    /// The message as JSON (envelope members plus `params`, `result` or `error`).
    public var json: JSONValue {
        var object: [String: JSONValue] = ["jsonrpc": "2.0"]
        for (name, value) in members { object[name] = value }
        return .object(object)
    }

    /// The message's compact UTF-8 JSON text, without framing and without any newline.
    ///
    /// The envelope comes first in a fixed order (`jsonrpc`, `id`, `method`), and nested keys are sorted, so equal
    /// messages encode to equal bytes.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        encode(into: &out)
        return out
    }

    /// A batch answer: the messages as one JSON array.
    public static func encodedBatch(_ messages: [RPCMessage]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, message) in messages.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            message.encode(into: &out)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// Appends the message's JSON text to `out`.
    public func encode(into out: inout [UInt8]) {
        let writer = JSONWriter(sortedKeys: true)
        out.append(contentsOf: #"{"jsonrpc":"2.0""#.utf8)
        for (name, value) in members {
            out.append(contentsOf: #",""#.utf8)
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: #"":"#.utf8)
            writer.write(value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The members after `jsonrpc`, in the order they are written.
    private var members: [(String, JSONValue)] {
        switch self {
        case .request(let id, let method, let params):
            [("id", id.json), ("method", .string(method))] + (params.map { [("params", $0)] } ?? [])
        case .notification(let method, let params):
            [("method", .string(method))] + (params.map { [("params", $0)] } ?? [])
        case .response(let id, let result):
            [("id", id.json), ("result", result)]
        case .errorResponse(let id, let error):
            [("id", id.json), ("error", error.json)]
        }
    }
}
