import Foundation

/// Chooses the transport for a base URL: the socket transport for a direct `http://` (it adds microseconds where
/// libcurl adds tens of them), ``CurlTransport`` for `https://` and for anything reached through a proxy.
package enum TransportSelection {
    /// The transport for `baseURL` with the given trust and proxy settings.
    package static func transport(for baseURL: URL, tls: TLSConfiguration = .system,
                                 proxy: ProxyConfiguration = .direct) -> any HTTPTransport {
        if baseURL.scheme?.lowercased() == "http", proxy.url == nil { return SocketHTTPTransport() }
        return CurlTransport(tls: tls, proxy: proxy)
    }
}
