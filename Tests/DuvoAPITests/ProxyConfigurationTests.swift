import DuvoHTTP
import Testing

@Suite("Proxies from the environment, as curl reads them")
struct ProxyConfigurationTests {
    @Test("https uses https_proxy, then HTTPS_PROXY, then all_proxy, then ALL_PROXY")
    func httpsOrder() {
        let all = ["https_proxy": "http://a:1", "HTTPS_PROXY": "http://b:1", "all_proxy": "http://c:1",
                   "ALL_PROXY": "http://d:1", "http_proxy": "http://e:1"]
        var environment = all
        var seen: [String?] = []
        for name in ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
            let chosen = ProxyConfiguration.resolve(environment: environment, scheme: "https")
            seen.append(chosen.url)
            #expect(chosen.source == name)
            environment[name] = nil
        }
        #expect(seen == ["http://a:1", "http://b:1", "http://c:1", "http://d:1"])
        #expect(ProxyConfiguration.resolve(environment: environment, scheme: "https") == .direct)
    }

    @Test("an http base URL honours HTTP_PROXY too, but not when running as a CGI program (httpoxy)")
    func httpUpperCase() {
        #expect(ProxyConfiguration.resolve(environment: ["HTTP_PROXY": "http://p:1"], scheme: "http").url == "http://p:1")
        #expect(ProxyConfiguration.resolve(environment: ["http_proxy": "http://l:1", "HTTP_PROXY": "http://u:1"],
                                           scheme: "http").url == "http://l:1")
        let cgi = ["HTTP_PROXY": "http://evil:1", "REQUEST_METHOD": "GET"]
        #expect(ProxyConfiguration.resolve(environment: cgi, scheme: "http") == .direct)
        #expect(ProxyConfiguration.resolve(environment: ["https_proxy": "http://p:1"], scheme: "http") == .direct)
    }

    @Test("NO_PROXY is passed on, lower case first")
    func noProxy() {
        let environment = ["HTTPS_PROXY": "http://p:1", "no_proxy": "localhost", "NO_PROXY": "other"]
        #expect(ProxyConfiguration.resolve(environment: environment, scheme: "https").noProxy == "localhost")
    }

    @Test("a proxy password is a secret, raw and percent-decoded, and never shown")
    func password() {
        let proxy = ProxyConfiguration(url: "http://user:p%40ss@proxy:3128")
        #expect(proxy.secrets == ["p%40ss", "p@ss", "user:p@ss"])
        #expect(proxy.displayURL == "http://user:[redacted]@proxy:3128")
        #expect(ProxyConfiguration(url: "user:pw@proxy:3128").secrets == ["pw", "user:pw"])
        #expect(ProxyConfiguration(url: "http://proxy:3128").secrets.isEmpty)
    }
}
