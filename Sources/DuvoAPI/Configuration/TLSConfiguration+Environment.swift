import DuvoHTTP
import Foundation
import Platform

// Here, not beside the type in DuvoHTTP: reading the flags and variables is the Duvo client's configuration, and
// a name that cannot be used is a ``DuvoAPIError``.
extension TLSConfiguration {
    /// Reads the trust settings from a flag and the environment.
    /// - Parameter caFile: `--ca-file`, which wins over every variable.
    /// - Throws: ``DuvoAPIError/notConfigured(_:)`` naming the variable when its file or folder cannot be read.
    package static func resolve(environment: [String: String], caFile: String? = nil)
        throws(DuvoAPIError) -> TLSConfiguration
    {
        func value(_ name: String) -> (String, String)? {
            environment[name].flatMap { $0.isEmpty ? nil : (name, $0) }
        }
        var configuration = TLSConfiguration()
        let file = caFile.flatMap { $0.isEmpty ? nil : ("--ca-file", $0) }
            ?? value("DUVO_CA_FILE") ?? value("SSL_CERT_FILE") ?? value("CURL_CA_BUNDLE")
        if let (source, path) = file {
            guard Platform.isReadable(path) else {
                throw .notConfigured("\(source) names '\(path)', which cannot be read; point it at a PEM file of CA "
                    + "certificates")
            }
            guard holdsPEMCertificate(path) else {
                throw .notConfigured("\(source) names '\(path)', which holds no PEM certificate (no "
                    + "'-----BEGIN CERTIFICATE-----' line); point it at a PEM file of CA certificates (a DER file "
                    + "converts with `openssl x509 -inform der -in ca.der -out ca.pem`)")
            }
            configuration.caFile = path
        }
        if let (source, path) = value("SSL_CERT_DIR") {
            guard let status = Platform.status(path: path), status.isDirectory else {
                throw .notConfigured("\(source) names '\(path)', which is not a readable folder; point it at a "
                    + "folder of CA certificates hashed by `openssl rehash`")
            }
            configuration.caDirectory = path
        }
        return configuration
    }

    /// The largest CA file read (a full system bundle is about 200 KiB).
    static let maximumCAFileBytes = 16 << 20

    /// Whether the file at `path` holds at least one PEM certificate: checked at start, because libcurl would
    /// refuse every call later with an error that does not name the file.
    private static func holdsPEMCertificate(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let data: Data?
        do {
            data = try handle.read(upToCount: maximumCAFileBytes)
        } catch {
            return false
        }
        guard let data else { return false }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).contains { line in
            line.hasPrefix("-----BEGIN ") && line.hasSuffix("CERTIFICATE-----")
        }
    }
}
