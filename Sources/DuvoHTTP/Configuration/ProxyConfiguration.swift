import Foundation

/// The proxy an API base URL is reached through, read from the environment the way curl reads it.
///
/// For a `https` base URL: `https_proxy`, `HTTPS_PROXY`, then `all_proxy`, `ALL_PROXY`. For `http`: `http_proxy`, then
/// `HTTP_PROXY` (curl ignores the upper-case name because a CGI program gets it from a request's `Proxy:` header;
/// like Go's net/http we accept it except when `REQUEST_METHOD` says we run under CGI), then `all_proxy`, `ALL_PROXY`.
/// `no_proxy` / `NO_PROXY` lists hosts reached directly (curl's matching: suffixes, `*`, IP ranges).
package struct ProxyConfiguration: Sendable, Hashable {
    /// The proxy's URL (credentials included), or nil to connect directly.
    package var url: String?
    /// curl's `NO_PROXY` list, or nil.
    package var noProxy: String?
    /// The variable the proxy came from, for messages.
    package var source: String?

    /// No proxy.
    package static let direct = ProxyConfiguration()

    /// A configuration naming its proxy explicitly.
    package init(url: String? = nil, noProxy: String? = nil, source: String? = nil) {
        self.url = url
        self.noProxy = noProxy
        self.source = source
    }

    /// The proxy settings for a base URL with `scheme` (`http` or `https`).
    package static func resolve(environment: [String: String], scheme: String) -> ProxyConfiguration {
        func value(_ name: String) -> (String, String)? {
            environment[name].flatMap { $0.isEmpty ? nil : (name, $0) }
        }
        let lower = scheme.lowercased()
        let underCGI = environment["REQUEST_METHOD"] != nil
        let specific = value("\(lower)_proxy")
            ?? ((lower == "http" && underCGI) ? nil : value("\(lower.uppercased())_PROXY"))
        guard let (source, url) = specific ?? value("all_proxy") ?? value("ALL_PROXY") else { return .direct }
        let noProxy = value("no_proxy") ?? value("NO_PROXY")
        return ProxyConfiguration(url: url, noProxy: noProxy?.1, source: source)
    }

    /// The proxy URL's password, raw and percent-decoded, and the user:password pair: texts no output may show.
    package var secrets: [String] {
        guard let url else { return [] }
        let text = url.contains("://") ? url : "http://" + url
        guard let components = URLComponents(string: text), let encoded = components.percentEncodedPassword,
              !encoded.isEmpty else { return [] }
        var found = [encoded]
        if let decoded = components.password, decoded != encoded { found.append(decoded) }
        // What Proxy-Authorization carries in base64, for a proxy that echoes the header.
        if let user = components.user, let password = components.password { found.append("\(user):\(password)") }
        return found
    }

    /// The proxy's host and port (`proxy.example:3128`), for messages that must name it without its credentials.
    package var hostDescription: String? {
        guard let url else { return nil }
        guard let components = URLComponents(string: url.contains("://") ? url : "http://" + url),
              let host = components.host else { return nil }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    /// The proxy URL with its password replaced, for messages.
    package var displayURL: String? {
        guard var text = url else { return nil }
        for secret in secrets { text = text.replacingOccurrences(of: ":" + secret + "@", with: ":[redacted]@") }
        return text
    }
}
