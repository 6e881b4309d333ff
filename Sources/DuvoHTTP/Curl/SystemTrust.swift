import Foundation

/// Where the system keeps its trusted CAs in the form that is cheapest to use.
///
/// OpenSSL parses a CA bundle file whole (Debian's, ~140 certificates and 200 KB, costs about 30 ms of CPU), but
/// looks a folder hashed by `openssl rehash` up lazily, reading only the issuer a handshake needs. Debian keeps both
/// with the same certificates, so when nothing is named the folder is used and a `duvo runs` call pays
/// a millisecond for trust instead of 30.
enum SystemTrust {
    /// The system's hashed CA folder, or nil when there is none (then libcurl's built-in bundle is used).
    static let hashedDirectory: String? = {
        let candidate = "/etc/ssl/certs"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: candidate) else { return nil }
        return names.contains(where: isHashName) ? candidate : nil
    }()

    /// Whether `name` looks like `5ad8a5d6.0`: eight hex digits, a dot, a number.
    static func isHashName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 8, !parts[1].isEmpty else { return false }
        return parts[0].allSatisfy(\.isHexDigit) && parts[1].allSatisfy(\.isNumber)
    }
}
