import JSONCore

extension RPCMessage {
    /// Classifies a parsed JSON value as a message, looking at its keys once.
    ///
    /// Rules: the value must be an object with `"jsonrpc": "2.0"`. With a `method` (a string) it is a request when it
    /// has an `id` member (even `null`) and a notification otherwise; `params`, when present, must be an object or an
    /// array. Without a `method` but with a `result` or `error` it is a response. Unknown members are ignored.
    /// - Throws: ``RPCInvalidMessage`` carrying a -32600 error and the id when it could be read, else `null`.
    public init(json: JSONValue) throws(RPCInvalidMessage) {
        guard case .object(let members) = json else {
            throw RPCInvalidMessage(
                id: .null, error: .invalidRequest("expected an object, got \(json.kindDescription)"))
        }
        let idMember = members["id"]
        let id = idMember.flatMap(RPCRequestID.init(json:))
        let isResponse = members["method"] == nil && (members["result"] != nil || members["error"] != nil)
        func invalid(_ detail: String) -> RPCInvalidMessage {
            RPCInvalidMessage(id: id ?? .null, error: .invalidRequest(detail), isResponse: isResponse)
        }

        if let idMember, id == nil {
            throw invalid("'id' must be a string, a number or null, not \(idMember.kindDescription)")
        }
        guard members["jsonrpc"] == .string("2.0") else {
            throw invalid("'jsonrpc' must be \"2.0\"")
        }
        if let method = members["method"] {
            guard case .string(let name) = method else {
                throw invalid("'method' must be a string, not \(method.kindDescription)")
            }
            let params = members["params"]
            switch params {
            case nil, .object?, .array?: break
            case let other?: throw invalid("'params' must be an object or an array, not \(other.kindDescription)")
            }
            if let id {
                self = .request(id: id, method: name, params: params)
            } else {
                self = .notification(method: name, params: params)
            }
            return
        }
        guard isResponse else {
            throw invalid("missing 'method'")
        }
        guard let id else {
            throw invalid("a response must have an 'id'")
        }
        switch (members["result"], members["error"]) {
        case (let result?, nil):
            self = .response(id: id, result: result)
        case (nil, let error?):
            guard let decoded = RPCError(json: error) else {
                throw invalid("'error' must be an object with an integer 'code'")
            }
            self = .errorResponse(id: id, error: decoded)
        default:
            throw invalid("a response must have either 'result' or 'error', not both")
        }
    }
}
