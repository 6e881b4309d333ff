import Platform
import DuvoHTTP
import Synchronization
import Time

/// The event bus across machines: `PUBLISH` on a channel named for the key, each subscriber on a connection of its
/// own (`SUBSCRIBE`), reconnecting with back-off.
///
/// Redis keeps no message for a subscriber that is not connected: hints published while one reconnects are lost,
/// which the processes' safety-net polling covers. A subscriber sends `PING` every few seconds, so a server that
/// vanished without closing the connection is noticed within ``silenceLimit`` seconds.
package final class RedisEventBus: EventBus {
    /// The channel's name.
    package let channel: String
    let publisher: RESPClient
    let tls: TLSConfiguration
    /// Seconds between a subscriber's `PING`s.
    let pingInterval: Double
    /// Seconds without a byte from the server after which a subscriber reconnects.
    let silenceLimit: Double

    /// The bus for the key `keyName` on the server `client` talks to (publishing goes through `client`).
    package init(client: RESPClient, keyName: String, tls: TLSConfiguration = .system, pingInterval: Double = 5) {
        channel = "duvo:{\(keyName)}:webhooks"
        publisher = client
        self.tls = tls
        self.pingInterval = pingInterval
        silenceLimit = pingInterval * 3
    }

    package func publish(_ hint: WebhookHint) async throws(CoordinationError) {
        let payload = String(decoding: hint.encoded, as: UTF8.self)
        if case .error(let message) = try await publisher.run(["PUBLISH", channel, payload]) {
            throw .redis(endpoint: publisher.endpoint.description,
                         reason: "PUBLISH: \(RESPValue.printable(message, limit: 80))")
        }
    }

    package func subscribe() throws(CoordinationError) -> EventSubscription {
        let streams = EventSubscription.makeStreams()
        let stopped = StopFlag()
        let subscriber = Subscriber(bus: self, stopped: stopped, hints: streams.hintSink, health: streams.healthSink)
        // A long job on the executor made for blocking work, never on the cooperative pool: the loop blocks in poll.
        BlockingExecutor.shared.submit { subscriber.run() }
        let stop: @Sendable () -> Void = { stopped.set() }
        streams.hintSink.onTermination = { _ in stop() }
        return EventSubscription(hints: streams.hints, health: streams.health, stop: stop)
    }
}

/// One subscription's connection loop: connect, `SUBSCRIBE`, read messages, reconnect after any failure.
private final class Subscriber: Sendable {
    let bus: RedisEventBus
    let stopped: StopFlag
    let hints: AsyncStream<WebhookHint>.Continuation
    let health: AsyncStream<EventBusHealth>.Continuation

    init(bus: RedisEventBus, stopped: StopFlag, hints: AsyncStream<WebhookHint>.Continuation,
         health: AsyncStream<EventBusHealth>.Continuation) {
        self.bus = bus
        self.stopped = stopped
        self.hints = hints
        self.health = health
    }

    private var endpoint: RedisEndpoint { bus.publisher.endpoint }
    private var timeout: Double { bus.publisher.timeout }

    func run() {
        defer {
            hints.finish()
            health.finish()
        }
        var backOff = 0.25
        var last: EventBusHealth?
        while !stopped.isSet {
            let reason = session {
                if last != .receiving {
                    last = .receiving
                    health.yield(.receiving)
                }
                backOff = 0.25
            }
            guard !stopped.isSet else { return }
            let unavailable = EventBusHealth.unavailable("Redis at \(endpoint): \(reason)")
            if last != unavailable {
                last = unavailable
                health.yield(unavailable)
            }
            let resume = MonotonicClock.now() + backOff
            while !stopped.isSet, MonotonicClock.now() < resume { Platform.sleep(microseconds: 50_000) }
            backOff = min(backOff * 2, 5)
        }
    }

    /// One connection, from connecting until it fails or the subscription stops; `subscribed` runs once the server
    /// confirmed the subscription.
    /// - Returns: why it ended (for people; never holds the password).
    private func session(subscribed: () -> Void) -> String {
        let connection: any RedisByteStream
        let deadline = MonotonicClock.now() + timeout
        do {
            connection = endpoint.tls
                ? try TLSRedisStream(host: endpoint.host, port: endpoint.port, tls: bus.tls, deadline: deadline)
                : try PlainRedisStream(host: endpoint.host, port: endpoint.port, deadline: deadline)
        } catch {
            return "connect: \(describe(error))"
        }
        defer { connection.close() }
        var reader = RESPReader(maxReplyBytes: 64 * 1024, maxDepth: 2)
        if let password = endpoint.password {
            let auth = [endpoint.user, password].compactMap { $0 }
            let answer: RESPValue
            do throws(SessionError) {
                answer = try exchange(connection, &reader, ["AUTH"] + auth, deadline: deadline)
            } catch {
                return "AUTH: \(error.text)"
            }
            if case .error(let message) = answer {
                let code = RESPValue.errorCode(message)
                return "authentication failed (\(code)); check the user and password of the coordination URL"
            }
        }
        let confirmation: RESPValue
        do throws(SessionError) {
            confirmation = try exchange(connection, &reader, ["SUBSCRIBE", bus.channel], deadline: deadline)
        } catch {
            return "SUBSCRIBE: \(error.text)"
        }
        guard case .array(let items?) = confirmation, items.first?.text?.lowercased() == "subscribe" else {
            return "SUBSCRIBE: the server answered \(confirmation.summary)"
        }
        subscribed()
        var lastHeard = MonotonicClock.now()
        var lastPing = lastHeard
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while !stopped.isSet {
            let now = MonotonicClock.now()
            guard now - lastHeard < bus.silenceLimit else { return "no answer to PING within \(bus.silenceLimit) s" }
            if now - lastPing >= bus.pingInterval {
                lastPing = now
                do {
                    try connection.write(RESPValue.command(["PING"]), deadline: now + timeout)
                } catch {
                    return "PING: \(describe(error))"
                }
            }
            let received = chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(RedisStreamError) in try connection.read(into: buffer, deadline: now + 0.2) }
            }
            switch received {
            case .failure(.timedOut): continue
            case .failure(let error): return describe(error)
            case .success(0): return "the server closed the connection"
            case .success(let count): reader.append(chunk[0..<count])
            }
            lastHeard = MonotonicClock.now()
            do {
                while let message = try reader.next() { deliver(message) }
            } catch {
                return "\(error)"
            }
        }
        return "stopped"
    }

    /// Yields the hint a `message` push carries; anything else (a `PING`'s `pong`) is only a sign of life.
    private func deliver(_ message: RESPValue) {
        guard case .array(let items?) = message, items.count == 3, items[0].text == "message",
              case .bulk(let payload?) = items[2], let hint = WebhookHint(encoded: payload)
        else { return }
        hints.yield(hint)
    }

    /// Sends one command and reads its reply, both before `deadline`.
    private func exchange(_ connection: any RedisByteStream, _ reader: inout RESPReader, _ arguments: [String],
                          deadline: Double) throws(SessionError) -> RESPValue
    {
        do {
            try connection.write(RESPValue.command(arguments), deadline: deadline)
        } catch {
            throw SessionError(text: describe(error))
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            do {
                if let value = try reader.next() { return value }
            } catch {
                throw SessionError(text: "\(error)")
            }
            let received = chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(RedisStreamError) in try connection.read(into: buffer, deadline: deadline) }
            }
            switch received {
            case .failure(let error): throw SessionError(text: describe(error))
            case .success(0): throw SessionError(text: "the server closed the connection")
            case .success(let count): reader.append(chunk[0..<count])
            }
        }
    }

    private func describe(_ error: RedisStreamError) -> String {
        switch error {
        case .timedOut: "no reply within \(timeout) s"
        case .failed(let reason): reason
        }
    }
}

private struct SessionError: Error {
    let text: String
}
