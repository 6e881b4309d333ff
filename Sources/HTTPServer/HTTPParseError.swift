/// Why bytes from a client are not an acceptable HTTP/1.1 request; the connection answers and closes.
public enum HTTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request line or a header line is not valid HTTP/1.x; the text says which and why.
    case malformed(String)
    /// The request line and headers exceed ``HTTPLimits/maxHeaderBytes``.
    case headersTooLarge(limit: Int)
    /// The body exceeds ``HTTPLimits/maxBodyBytes``.
    case bodyTooLarge(limit: Int)
    /// The version is not HTTP/1.0 or HTTP/1.1.
    case unsupportedVersion(String)
    /// A `Transfer-Encoding` other than `chunked` was used.
    case unsupportedTransferEncoding(String)

    /// The status code that answers this error.
    public var status: Int {
        switch self {
        case .malformed: 400
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        case .unsupportedVersion: 505
        case .unsupportedTransferEncoding: 501
        }
    }

    public var description: String {
        switch self {
        case .malformed(let why): "malformed request: \(why)"
        case .headersTooLarge(let limit): "request line and headers exceed \(limit) bytes"
        case .bodyTooLarge(let limit): "request body exceeds \(limit) bytes"
        case .unsupportedVersion(let version): "unsupported HTTP version \(version); use HTTP/1.1"
        case .unsupportedTransferEncoding(let coding):
            "unsupported transfer coding '\(coding)'; use chunked or Content-Length"
        }
    }
}
