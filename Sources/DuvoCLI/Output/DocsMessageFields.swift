import JSONCore

/// Adds the names Duvo's CLI docs use beside the wire names of a message, so the docs' scripts work as written.
///
/// The docs read `.content` (the wire says `text_content`) and `.status` on human-request messages (the wire has
/// none). Every message gets `content` (see ``MessageContent``); a `human_request` message gets `status`: `pending`
/// when it is the run's `pending_human_request`, else `responded`. Wire fields are never changed or removed, and a
/// field the wire already has is left alone.
enum DocsMessageFields {
    /// `message` with `content` and, for a human request, `status` added.
    static func adding(to message: JSONValue, pendingRequestID: String?) -> JSONValue {
        guard case .object(var fields) = message else { return message }
        if fields["content"] == nil { fields["content"] = .string(MessageContent.text(of: message)) }
        if isHumanRequest(message), fields["status"] == nil {
            let pending = pendingRequestID.map { $0.lowercased() == message["id"]?.stringValue?.lowercased() }
            fields["status"] = pending == true ? "pending" : "responded"
        }
        return .object(fields)
    }

    /// Whether `message` is a human-in-the-loop request.
    static func isHumanRequest(_ message: JSONValue) -> Bool {
        message["type"]?.stringValue == "human_request"
    }

    /// A messages page (`{messages, total, limit, offset}`) with every message given the docs' names.
    static func addingToPage(_ page: JSONValue, pendingRequestID: String?) -> JSONValue {
        var page = page
        if let messages = page["messages"]?.arrayValue {
            page["messages"] = .array(messages.map { adding(to: $0, pendingRequestID: pendingRequestID) })
        }
        return page
    }
}
