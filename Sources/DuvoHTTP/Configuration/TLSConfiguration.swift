/// Which certificate authorities an https connection trusts: the system store unless a file or folder is named, and
/// then exactly what is named.
///
/// A private CA (a company's TLS-inspecting proxy, a staging front end) is trusted without root by pointing one of
/// these at it, highest precedence first: `--ca-file` / `DUVO_CA_FILE`, `SSL_CERT_FILE`, `CURL_CA_BUNDLE` (a PEM file),
/// and `SSL_CERT_DIR` (a folder hashed by `openssl rehash`; searched besides the file when both are named). To keep
/// the public CAs as well, name a file that holds the system bundle plus the private CA. `SSL_CERT_FILE` wins over
/// `CURL_CA_BUNDLE` (curl's tool reads them the other way round) because images often set `CURL_CA_BUNDLE` to the
/// system bundle, which would silently hide the CA a user named with the OpenSSL variable.
package struct TLSConfiguration: Sendable, Hashable {
    /// A PEM file of trusted CAs, replacing the system store; nil when none is named.
    package var caFile: String?
    /// A folder of hashed CA certificates, replacing the system store (searched besides ``caFile`` when both are
    /// named); nil when none is named.
    package var caDirectory: String?

    /// The system's trust store.
    package static let system = TLSConfiguration()

    /// A configuration naming its CAs explicitly.
    package init(caFile: String? = nil, caDirectory: String? = nil) {
        self.caFile = caFile
        self.caDirectory = caDirectory
    }

    /// The variables that can make a CA trusted, for error messages.
    package static let advice = "set SSL_CERT_FILE or SSL_CERT_DIR, or DUVO_CA_FILE / --ca-file, to trust its CA"
}
