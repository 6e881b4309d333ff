import Foundation
import Platform
import Testing

@Suite("Unix datagram sockets")
struct UnixDatagramTests {
    @Test("binding a socket leaves the mode of files other threads make at the same time alone")
    func bindKeepsOtherThreadsModes() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-dgram-\(UUID().uuidString)").path
        #expect(Platform.makeDirectory(root, mode: 0o700) == 0)
        defer { try? FileManager.default.removeItem(atPath: root) }
        // One thread binds sockets while another makes private folders, as a subscriber of the event bus and the
        // runtime directory's own code may in one process: each folder must be 0700, whatever the binding does.
        let rounds = 3_000
        async let binder: Int = Task.detached {
            var failures = 0
            for round in 0..<rounds {
                let path = root + "/s\(round).sock"
                switch Platform.UnixDatagram.bind(path: path) {
                case .success(let fd):
                    if Platform.linkStatus(path: path)?.permissions != 0o600 { failures += 1 }
                    Platform.close(fd)
                    Platform.unlink(path)
                case .failure:
                    failures += 1
                }
            }
            return failures
        }.value
        async let maker: [UInt32] = Task.detached {
            var wrong: [UInt32] = []
            for round in 0..<rounds {
                let path = root + "/d\(round)"
                guard Platform.makeDirectory(path, mode: 0o700) == 0 else { continue }
                if let mode = Platform.linkStatus(path: path)?.permissions, mode != 0o700 { wrong.append(mode) }
                try? FileManager.default.removeItem(atPath: path)
            }
            return wrong
        }.value
        let (bindFailures, wrongModes) = await (binder, maker)
        #expect(bindFailures == 0, "every socket is bound with mode 0600")
        #expect(wrongModes.count == 0, "folders made while sockets were bound got modes \(Set(wrongModes))")
    }
}
