import ArgumentKit
import Diagnostics
import DuvoAPI
import DuvoHTTP
import Foundation
import KeyCoordination

/// `duvo webhooks --listen HOST:PORT`: receives Duvo's webhook POSTs (behind the user's ingress) and publishes each
/// event to every process on the key, through the runtime directory or Redis. It never calls Duvo.
///
/// Once listening it prints exactly one line to stdout, `http://HOST:PORT` as bound (so `--listen 127.0.0.1:0`
/// works in scripts); logs go to stderr.
enum WebhooksCommand {
    static let spec = Command(
        "webhooks", abstract: "Receive Duvo's webhooks and pass them to every duvo process on the key",
        discussion: """
            Answers POST /<token> (or /any/prefix/<token>), where the token is derived from the API key; any other
            path is 404, any other method 405, a body over 4 KiB 413. Each accepted event is published through
            --coordination (the runtime directory, or Redis across machines), at most one per run per 250 ms.
            Needs DUVO_API_KEY (or --api-key-file) to check tokens; never calls Duvo.
            Prints its address (e.g. http://127.0.0.1:8788) on stdout once listening; logs go to stderr.
            """,
        options: [
            .value("listen", valueName: "HOST:PORT",
                   help: "Address to listen on ([::1]:PORT for IPv6; port 0 picks one)"),
            .value("api-key-file", valueName: "PATH", help: "Read the API key from this file (else DUVO_API_KEY).",
                   environment: "DUVO_API_KEY_FILE"),
            .value("coordination", valueName: "MODE",
                   help: "Where to publish: local (default, the runtime directory) or redis[s]://host:port/db.",
                   environment: "DUVO_COORDINATION", defaultValue: "local"),
            .value("ca-file", valueName: "PATH", help: "Trust the CAs in this PEM file for rediss://.",
                   environment: "DUVO_CA_FILE"),
            .value("log-level", valueName: "LEVEL", help: "error, warn, info, debug or trace (logs go to stderr).",
                   environment: "DUVO_LOG_LEVEL", defaultValue: "info",
                   choices: ["error", "warn", "info", "debug", "trace"]),
        ])

    /// Serves until the command's task is cancelled (Ctrl-C or SIGTERM at the process edge); returns the exit code.
    static func run(_ parsed: ParsedCommand, context: CommandContext) async -> ExitCode {
        let receiver: WebhookReceiver
        let logger: Logger
        let address: (host: String, port: UInt16)
        do {
            address = try listenAddress(parsed)
            logger = Logger(label: "duvo webhooks", level: try ConnectionOptions.logLevel(parsed))
            let configuration = try DuvoConfiguration.resolve(environment: context.environment,
                                                              apiKeyFile: parsed.value("api-key-file"))
            guard let key = configuration.apiKey else {
                throw DuvoAPIError.notConfigured("duvo webhooks needs the API key to check tokens: set DUVO_API_KEY "
                    + "or DUVO_API_KEY_FILE (or --api-key-file)")
            }
            let mode = try ConnectionOptions.coordinationMode(parsed, context.environment)
            if case .off = mode {
                throw UsageError("option '--coordination off' leaves no way to pass events on: use local or "
                    + "redis[s]://host:port/db", commandPath: parsed.commandPath)
            }
            var tls = TLSConfiguration.system
            if case .redis(let endpoint) = mode, endpoint.tls {
                tls = try TLSConfiguration.resolve(environment: context.environment, caFile: parsed.value("ca-file"))
            }
            guard let bus = try Coordination.eventBus(mode: mode, secret: key.secret,
                                                      environment: context.environment, tls: tls, logger: logger)
            else { return .refused }
            let token = WebhookToken(apiKey: key.secret)
            receiver = WebhookReceiver(host: address.host, port: address.port, token: token,
                                       publisher: WebhookPublisher(bus: bus, logger: logger), logger: logger)
            let port = try receiver.start()
            let shownHost = address.host.contains(":") ? "[\(address.host)]" : address.host
            context.print("http://\(shownHost):\(port)")
            logger.info("listening on \(shownHost):\(port), publishing through \(mode)")
        } catch {
            let usage = error is UsageError
            context.printError(usage ? "\(error)" : "error: \(error)")
            return usage ? .usage : .refused
        }
        await SimCommand.waitUntilCancelled()
        logger.info("stopping")
        await receiver.stop()
        return .success
    }

    /// `--listen`'s host and port.
    static func listenAddress(_ parsed: ParsedCommand) throws(UsageError) -> (host: String, port: UInt16) {
        guard let text = parsed.value("listen"), !text.isEmpty else {
            throw UsageError("option '--listen HOST:PORT' is required, e.g. --listen 127.0.0.1:8788",
                             commandPath: parsed.commandPath)
        }
        var host: Substring
        var portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[close...].dropFirst()
            guard portText.hasPrefix(":") else { return try invalid(parsed) }
            portText = portText.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return try invalid(parsed) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return try invalid(parsed) }
        }
        if host.isEmpty { host = "0.0.0.0" }
        guard let port = UInt16(portText) else { return try invalid(parsed) }
        return (String(host), port)
    }

    private static func invalid(_ parsed: ParsedCommand) throws(UsageError) -> (host: String, port: UInt16) {
        throw UsageError("option '--listen' expects HOST:PORT, e.g. 127.0.0.1:8788, 0.0.0.0:8788 or [::1]:8788",
                         commandPath: parsed.commandPath)
    }
}
