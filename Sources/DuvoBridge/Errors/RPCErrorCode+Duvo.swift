import JSONRPC

/// The bridge's own error codes, in -31000..-31011: outside -32768..-32000, which JSON-RPC reserves (and within it MCP and LSP).
extension RPCErrorCode {
    /// Duvo answered with an HTTP status no other code covers.
    public static let upstreamError = RPCErrorCode(rawValue: -31000)
    /// 401: the API key is missing or was rejected.
    public static let unauthorized = RPCErrorCode(rawValue: -31001)
    /// 403: the key does not belong to the team.
    public static let forbidden = RPCErrorCode(rawValue: -31002)
    /// 404: no such run, agent or request.
    public static let notFound = RPCErrorCode(rawValue: -31003)
    /// 400: Duvo rejected the request as invalid.
    public static let rejected = RPCErrorCode(rawValue: -31004)
    /// 429 after waiting and retrying.
    public static let rateLimited = RPCErrorCode(rawValue: -31005)
    /// 5xx after retrying.
    public static let upstreamUnavailable = RPCErrorCode(rawValue: -31006)
    /// Duvo could not be reached, or the connection dropped.
    public static let networkError = RPCErrorCode(rawValue: -31007)
    /// No answer from Duvo in time.
    public static let timeout = RPCErrorCode(rawValue: -31008)
    /// No API key, or no team for a v2 method; the message says how to set it.
    public static let notConfigured = RPCErrorCode(rawValue: -31009)
    /// The method needs another API version (e.g. listing runs on v1).
    public static let unsupported = RPCErrorCode(rawValue: -31010)
    /// This process already follows as many runs as it may at once; end some follows first.
    public static let tooManyFollows = RPCErrorCode(rawValue: -31011)
}
