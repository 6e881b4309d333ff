import Diagnostics
import Foundation

/// Everything the client core needs to talk to Duvo, resolved once from flags, environment and key files.
public struct DuvoConfiguration: Sendable {
    /// The production API.
    public static let defaultBaseURL = "https://api.duvo.ai"
    /// The deadline of a call when none is configured.
    public static let defaultTimeout: TimeInterval = 30
    /// Duvo's documented per-key limit.
    public static let defaultRateLimitPerMinute = 300

    /// The key, or nil when none is configured (the server still starts; Duvo calls then fail with advice).
    public var apiKey: APIKey?
    /// The API's root without a version, e.g. `https://api.duvo.ai`.
    public var baseURL: URL
    /// Which API generation to call.
    public var apiVersion: APIVersion
    /// The team for v2's team-scoped endpoints (start and list).
    public var teamID: String?
    /// Requests per minute this process allows itself, for every method and follow together (0 = unlimited).
    public var rateLimitPerMinute: Int
    /// The deadline of one call in seconds, covering all its attempts and back-offs (`DUVO_TIMEOUT` / `--timeout`).
    public var requestTimeout: TimeInterval
    /// How retries of safe requests behave.
    public var retry: RetryPolicy

    /// A configuration with explicit values (tests and embedding).
    public init(apiKey: APIKey?, baseURL: URL, apiVersion: APIVersion = .default, teamID: String? = nil,
                rateLimitPerMinute: Int = DuvoConfiguration.defaultRateLimitPerMinute,
                requestTimeout: TimeInterval = DuvoConfiguration.defaultTimeout, retry: RetryPolicy = RetryPolicy()) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.teamID = teamID
        self.rateLimitPerMinute = rateLimitPerMinute
        self.requestTimeout = requestTimeout
        self.retry = retry
    }

    /// Resolves the configuration the way every front door does: explicit values first, then `DUVO_*` variables.
    ///
    /// - Parameters:
    ///   - apiKeyFile: a file holding the key (`--api-key-file`); overrides `DUVO_API_KEY_FILE` and `DUVO_API_KEY`.
    ///   - baseURL, apiVersion, teamID, timeout: flag values, each overriding its `DUVO_*` twin (`--timeout` is
    ///     `DUVO_TIMEOUT`, in seconds).
    /// - Throws: ``DuvoAPIError/notConfigured(_:)`` for an unreadable key file (saying why), a bad URL, an unknown
    ///   version or a timeout that is not a positive number of seconds.
    public static func resolve(environment: [String: String], apiKeyFile: String? = nil, baseURL: String? = nil,
                               apiVersion: String? = nil, teamID: String? = nil,
                               rateLimitPerMinute: Int? = nil, timeout: String? = nil)
        throws(DuvoAPIError) -> DuvoConfiguration
    {
        var key: APIKey?
        if let path = apiKeyFile ?? environment["DUVO_API_KEY_FILE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw .notConfigured("cannot read the API key file '\(path)' (\(Self.reason(error))); check the "
                    + "path and its permissions")
            }
            key = APIKey(text)
        } else if let text = environment["DUVO_API_KEY"], !text.isEmpty {
            key = APIKey(text)
        }
        if let candidate = key, candidate.secret.isEmpty { key = nil }
        if let key { SecretRedactor.register(key.secret) }
        let urlText = baseURL ?? environment["DUVO_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultBaseURL
        guard let url = URL(string: urlText.hasSuffix("/") ? String(urlText.dropLast()) : urlText),
              let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw .notConfigured("DUVO_BASE_URL '\(urlText)' is not an http(s) URL such as \(defaultBaseURL)")
        }
        let versionText = apiVersion ?? environment["DUVO_API_VERSION"].flatMap { $0.isEmpty ? nil : $0 }
        var version = APIVersion.default
        if let versionText {
            guard let parsed = APIVersion(rawValue: versionText.lowercased()) else {
                throw .notConfigured("DUVO_API_VERSION must be v1 or v2, not '\(versionText)'")
            }
            version = parsed
        }
        let team = teamID ?? environment["DUVO_TEAM_ID"].flatMap { $0.isEmpty ? nil : $0 }
        var deadline = defaultTimeout
        if let text = timeout ?? environment["DUVO_TIMEOUT"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let seconds = Double(text), seconds > 0, seconds <= 86_400 else {
                throw .notConfigured("DUVO_TIMEOUT (--timeout) must be a number of seconds from 0 to 86400 such as "
                    + "30, not '\(text.prefix(40))'")
            }
            deadline = seconds
        }
        return DuvoConfiguration(apiKey: key, baseURL: url, apiVersion: version, teamID: team,
                                 rateLimitPerMinute: rateLimitPerMinute ?? defaultRateLimitPerMinute,
                                 requestTimeout: deadline)
    }

    /// Why a file could not be read, in the system's words (`No such file or directory`, `Permission denied`).
    private static func reason(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain, let text = strerror(Int32(underlying.code)) {
            return String(cString: text)
        }
        return (error as NSError).localizedDescription
    }
}
