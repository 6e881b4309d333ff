import CCurl
import Foundation

/// The transport for `https://` (and for `http://` through a proxy): libcurl bound directly, one multi handle for
/// the process (see ``CurlEngine``), HTTP/2 where the server offers it, gzip, the CA store parsed once, TLS
/// sessions and connections reused.
///
/// Trust comes from ``TLSConfiguration`` (a private CA without root), proxies from ``ProxyConfiguration``; a
/// certificate that does not verify fails as ``TransportError/certificateRejected(_:)`` with libcurl's reason.
/// Cancelling the calling task aborts the exchange at once.
package struct CurlTransport: HTTPTransport {
    /// Which CAs to trust.
    package let tls: TLSConfiguration
    /// Which proxy to use, if any.
    package let proxy: ProxyConfiguration

    /// A transport trusting `tls`'s CAs (the system store by default) and connecting through `proxy`.
    package init(tls: TLSConfiguration = .system, proxy: ProxyConfiguration = .direct) {
        self.tls = tls
        self.proxy = proxy
    }

    package func send(method: String, url: URL, headers: [String: String], body: [UInt8]?,
                     timeout: TimeInterval) async throws(TransportError) -> APIResponse {
        guard let engine = CurlEngine.shared, let easy = engine.checkoutHandle() else {
            throw .connectFailed("libcurl could not be initialised")
        }
        let transfer = CurlTransfer(easy: easy, secrets: proxy.secrets, proxyHost: proxy.hostDescription)
        guard transfer.configure(method: method, url: url.absoluteString, headers: headers, body: body,
                                 timeout: timeout, tls: tls, proxy: proxy, share: engine.sharedCaches) else {
            curl_easy_cleanup(easy.raw)
            throw .connectFailed("libcurl rejected the request options for \(url.scheme ?? "?")://\(url.host ?? "?")")
        }
        engine.start(transfer)
        if let outcome = transfer.finishedOutcome { return try outcome.get() }
        let outcome = await withTaskCancellationHandler {
            await transfer.awaitOutcome()
        } onCancel: {
            transfer.cancel()
            engine.wake()
        }
        return try outcome.get()
    }
}
