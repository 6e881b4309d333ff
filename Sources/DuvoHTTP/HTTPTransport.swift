import Foundation

/// Sends one HTTP request and returns the response; the only thing in the core that knows an HTTP library.
///
/// Implementations must honour task cancellation (abort the exchange at once) and throw ``TransportError`` for
/// failures below HTTP.
public protocol HTTPTransport: Sendable {
    /// Performs one exchange. `url` is complete (query included); `body` is sent with `Content-Type: application/json`.
    func send(method: String, url: URL, headers: [String: String], body: [UInt8]?, timeout: TimeInterval)
        async throws(TransportError) -> APIResponse
}

/// A failure below HTTP: nothing usable came back.
public enum TransportError: Error, Sendable, Equatable {
    /// The connection could not be made, so the request certainly did not reach the server (safe to retry).
    case connectFailed(String)
    /// The connection broke after the request may have been sent (not safe to retry a non-idempotent request).
    case connectionLost(String)
    /// No answer within the timeout.
    case timedOut
    /// The caller's task was cancelled.
    case cancelled
    /// The server's TLS certificate did not verify; the text is the TLS library's reason. Trying again cannot help.
    case certificateRejected(String)
    /// The proxy refused to carry the request (it wants other credentials, or forbids the destination); the text
    /// says what it answered. Trying again cannot help.
    case proxyRejected(String)

    /// Whether the request certainly never reached the server.
    package var requestCertainlyNotSent: Bool {
        if case .connectFailed = self { return true }
        return false
    }

    /// Whether trying again cannot succeed: the caller gave up, or the certificate will not verify next time either.
    package var isFinal: Bool {
        switch self {
        case .cancelled, .certificateRejected, .proxyRejected: true
        default: false
        }
    }
}
