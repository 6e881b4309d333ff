import CCurl

/// Turns a libcurl result code into the transport's failure kinds, which decide whether a request may be retried.
enum CurlFailure {
    /// The ``TransportError`` for `code`; `detail` is libcurl's sentence; `requestSent` whether any request bytes
    /// left (a failure before that is safe to retry even for a POST); `proxyStatus` the proxy's answer to `CONNECT`
    /// (0 without one); `proxyHost` the proxy's host and port, to name it.
    static func classify(_ code: CURLcode, detail: String, requestSent: Bool, proxyStatus: Int,
                         proxyHost: String? = nil) -> TransportError {
        // 401 (tinyproxy), 403 and 407: the proxy will answer the same way next time.
        if [401, 403, 407].contains(proxyStatus) {
            return .proxyRejected(proxyHost.map { "the proxy \($0) answered \(proxyStatus): \(detail)" } ?? detail)
        }
        switch code {
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_OPERATION_TIMEDOUT:
            return requestSent ? .timedOut : .connectFailed(detail)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return .certificateRejected(detail)
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR,
             CURLE_PROXY, CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .connectFailed(detail)
        default:
            return requestSent ? .connectionLost(detail) : .connectFailed(detail)
        }
    }
}
