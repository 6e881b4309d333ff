extension RPCMessage {
    /// What a log line may say about a message: its kind, method and id, never its params or result.
    var logSummary: String {
        switch self {
        case .request(let id, let method, _): "request '\(method)' id \(id)"
        case .notification(let method, _): "notification '\(method)'"
        case .response(let id, _): "response id \(id)"
        case .errorResponse(let id, let error): "error \(error.code.rawValue) id \(id)"
        }
    }
}
