@testable import DuvoAPI
@testable import DuvoHTTP
import Foundation
import Testing

@Suite("Trusting a private CA")
struct TLSConfigurationTests {
    /// A readable file standing in for a CA bundle.
    private static func file(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-tls-\(UUID())-\(name)").path
        try Data("-----BEGIN CERTIFICATE-----\nnot checked here\n-----END CERTIFICATE-----\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("--ca-file wins over DUVO_CA_FILE, which wins over SSL_CERT_FILE, which wins over CURL_CA_BUNDLE")
    func precedence() throws {
        let flag = try Self.file("flag"), duvo = try Self.file("duvo"), ssl = try Self.file("ssl"),
            curl = try Self.file("curl")
        let all = ["DUVO_CA_FILE": duvo, "SSL_CERT_FILE": ssl, "CURL_CA_BUNDLE": curl]
        #expect(try TLSConfiguration.resolve(environment: all, caFile: flag).caFile == flag)
        #expect(try TLSConfiguration.resolve(environment: all).caFile == duvo)
        #expect(try TLSConfiguration.resolve(environment: all.filter { $0.key != "DUVO_CA_FILE" }).caFile == ssl)
        #expect(try TLSConfiguration.resolve(environment: ["CURL_CA_BUNDLE": curl]).caFile == curl)
        #expect(try TLSConfiguration.resolve(environment: [:]) == .system)
    }

    @Test("SSL_CERT_DIR names a folder searched for CAs")
    func directory() throws {
        let folder = FileManager.default.temporaryDirectory.path
        #expect(try TLSConfiguration.resolve(environment: ["SSL_CERT_DIR": folder]).caDirectory == folder)
    }

    @Test("a CA file that cannot be read is a configuration error naming where it came from")
    func unreadableFile() {
        #expect(throws: DuvoAPIError.self) { try TLSConfiguration.resolve(environment: ["SSL_CERT_FILE": "/nonexistent/ca.pem"]) }
        do {
            _ = try TLSConfiguration.resolve(environment: [:], caFile: "/nonexistent/ca.pem")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("--ca-file") && error.message.contains("/nonexistent/ca.pem"))
        }
    }

    @Test("a CA file that is not PEM is a configuration error at start, naming the file and where it came from")
    func notPEM() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-tls-\(UUID())-der").path
        try Data([0x30, 0x82, 0x03, 0x0A, 0x30, 0x82, 0x01, 0xF2]).write(to: URL(fileURLWithPath: path))
        for (environment, flag, source) in [(["DUVO_CA_FILE": path], nil, "DUVO_CA_FILE"), ([:], path, "--ca-file")] {
            do {
                _ = try TLSConfiguration.resolve(environment: environment, caFile: flag)
                Issue.record("expected an error")
            } catch {
                #expect(error.message.contains(source) && error.message.contains(path)
                    && error.message.contains("PEM"))
            }
        }
    }

    @Test("SSL_CERT_DIR naming a file is a configuration error")
    func directoryMustBeAFolder() throws {
        let path = try Self.file("not-a-folder")
        do {
            _ = try TLSConfiguration.resolve(environment: ["SSL_CERT_DIR": path])
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("SSL_CERT_DIR"))
        }
    }
}

@Suite("The system's CA store")
struct SystemTrustTests {
    @Test("only files named like OpenSSL's hash links count as a hashed CA folder")
    func hashNames() {
        #expect(SystemTrust.isHashName("5ad8a5d6.0") && SystemTrust.isHashName("e868b802.12"))
        #expect(!SystemTrust.isHashName("ca-certificates.crt") && !SystemTrust.isHashName("5ad8a5d6.pem")
            && !SystemTrust.isHashName("5ad8a5d.0") && !SystemTrust.isHashName("5ad8a5d6."))
    }
}
