import Diagnostics
import DuvoAPI
import KeyCoordination

extension WebhookReceiver {
    /// The receiver `--simulate --webhooks local` starts in this process: `duvo webhooks` on a free loopback port,
    /// checking the simulator key's token and publishing on `bus` (this process's coordination), so every process on
    /// the key learns of the runs it starts; it stops with the process.
    /// - Returns: the receiver, listening, and its base URL (`http://127.0.0.1:PORT`, no token).
    /// - Throws: ``DuvoAPIError/notConfigured(_:)`` when it cannot listen.
    static func embedded(apiKey: String, bus: any EventBus, logger: Logger) throws(DuvoAPIError)
        -> (receiver: WebhookReceiver, url: String)
    {
        let receiver = WebhookReceiver(host: "127.0.0.1", port: 0, token: WebhookToken(apiKey: apiKey),
                                       publisher: WebhookPublisher(bus: bus, logger: logger), logger: logger)
        let port: UInt16
        do {
            port = try receiver.start()
        } catch {
            throw .notConfigured("--webhooks local: the embedded receiver cannot listen on 127.0.0.1: \(error)")
        }
        let url = "http://127.0.0.1:\(port)"
        logger.info("receiving the simulator's webhook events at \(url) (embedded, --webhooks local)")
        return (receiver, url)
    }
}
