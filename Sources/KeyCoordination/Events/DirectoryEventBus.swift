import Foundation
import Platform

/// The event bus of one machine: each subscriber binds a Unix datagram socket in a private folder of the runtime
/// directory, named for the key; the publisher sends each hint to every socket there.
///
/// A datagram is one hint (a few hundred bytes), sent without waiting: a subscriber whose queue is full loses it.
/// A socket whose process ended without removing it is refused by the system (`ECONNREFUSED`), and the publisher
/// removes it. Only sockets of this user in the folder (0700, not a link) are used.
package final class DirectoryEventBus: EventBus {
    /// The folder holding the subscribers' sockets.
    package let folder: String
    private let sender: Int32

    /// The bus for the key `keyName` (a ``RuntimeDirectory/keyedName(_:)``) in `directory`.
    /// - Throws: ``CoordinationError/file(path:reason:)`` when the folder cannot be made safely, or a socket cannot
    ///   be opened.
    package init(directory: RuntimeDirectory, keyName: String) throws(CoordinationError) {
        // Short: a socket's whole path must fit in 107 bytes, and runtime directories can be long.
        folder = directory.file("events-" + keyName.prefix(16))
        do {
            _ = try RuntimeDirectory(path: folder)
        } catch {
            throw .file(path: folder, reason: error.description)
        }
        sender = Platform.UnixDatagram.sender()
        guard sender >= 0 else { throw .file(path: folder, reason: Platform.lastErrorDescription()) }
    }

    deinit { Platform.close(sender) }

    package func publish(_ hint: WebhookHint) async throws(CoordinationError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw .file(path: folder, reason: "cannot list: \(error.localizedDescription)")
        }
        let bytes = hint.encoded
        for name in names where name.hasSuffix(".sock") {
            let path = folder + "/" + name
            guard let info = Platform.linkStatus(path: path), info.isSocket, info.owner == Platform.effectiveUserID()
            else { continue }
            let result = Platform.UnixDatagram.send(fd: sender, to: path, bytes)
            // Its process ended without removing it: nobody will bind that name again.
            if result == Platform.UnixDatagram.ErrorCode.refused { _ = Platform.unlink(path) }
        }
    }

    package func subscribe() throws(CoordinationError) -> EventSubscription {
        var random = SystemRandomNumberGenerator()
        let path = folder + "/\(Platform.processID())-\(String(random.next() as UInt32, radix: 16)).sock"
        let fd: Int32
        switch Platform.UnixDatagram.bind(path: path) {
        case .success(let bound): fd = bound
        case .failure(let failure):
            throw .file(path: path, reason: "cannot bind a socket: \(Platform.errorDescription(failure.code))")
        }
        let streams = EventSubscription.makeStreams()
        streams.healthSink.yield(.receiving)
        let stopped = StopFlag()
        // A long job on the executor made for blocking work, never on the cooperative pool: the loop blocks in poll.
        BlockingExecutor.shared.submit {
            defer {
                _ = Platform.unlink(path)
                Platform.close(fd)
                streams.hintSink.finish()
                streams.healthSink.finish()
            }
            var buffer = [UInt8](repeating: 0, count: 2048)
            while !stopped.isSet {
                let (count, truncated) = buffer.withUnsafeMutableBytes { raw in
                    Platform.UnixDatagram.receive(fd: fd, into: raw, timeoutMilliseconds: 200)
                }
                guard count >= 0 else { return }
                guard count > 0, !truncated, let hint = WebhookHint(encoded: buffer[0..<count]) else { continue }
                streams.hintSink.yield(hint)
            }
        }
        let stop: @Sendable () -> Void = { stopped.set() }
        streams.hintSink.onTermination = { _ in stop() }
        return EventSubscription(hints: streams.hints, health: streams.health, stop: stop)
    }
}
