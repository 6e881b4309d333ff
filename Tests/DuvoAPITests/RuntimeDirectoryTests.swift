import DuvoAPI
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Runtime directory")
struct RuntimeDirectoryTests {
    private func scratch() -> String {
        NSTemporaryDirectory() + "duvo-rt-test-\(UUID().uuidString)"
    }

    @Test("XDG_RUNTIME_DIR/duvo, else /tmp/duvo-<uid>; DUVO_RUNTIME_DIR overrides both")
    func defaultLocation() {
        #expect(RuntimeDirectory.defaultPath(environment: ["XDG_RUNTIME_DIR": "/run/user/7"]) == "/run/user/7/duvo")
        #expect(RuntimeDirectory.defaultPath(environment: [:]) == "/tmp/duvo-\(getuid())")
        #expect(RuntimeDirectory.defaultPath(environment: ["XDG_RUNTIME_DIR": "relative"]) == "/tmp/duvo-\(getuid())")
        #expect(RuntimeDirectory.defaultPath(environment: ["DUVO_RUNTIME_DIR": "/x/y", "XDG_RUNTIME_DIR": "/run"])
            == "/x/y")
    }

    @Test("created 0700; a loose mode of one's own is tightened")
    func createdPrivate() throws {
        let path = scratch()
        defer { rmdir(path) }
        _ = try RuntimeDirectory(path: path)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        chmod(path, 0o777)
        _ = try RuntimeDirectory(path: path)
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
    }

    @Test("a directory owned by another user is refused, naming the path and what to do")
    func otherOwnerRefused() throws {
        let path = scratch()
        defer { rmdir(path) }
        #expect(mkdir(path, 0o700) == 0)
        guard getuid() == 0 else { return }  // only root can hand a directory to someone else
        #expect(chown(path, 65534, 65534) == 0)
        #expect(throws: RuntimeDirectoryError.ownedByAnotherUser(path: path, owner: 65534)) {
            try RuntimeDirectory(path: path)
        }
        let message = RuntimeDirectoryError.ownedByAnotherUser(path: path, owner: 65534).description
        #expect(message.contains(path) && message.contains("XDG_RUNTIME_DIR"))
    }

    @Test("a symlink in its place is refused")
    func symlinkRefused() throws {
        let path = scratch()
        let target = scratch()
        defer { unlink(path); rmdir(target) }
        #expect(mkdir(target, 0o700) == 0)
        #expect(symlink(target, path) == 0)
        #expect(throws: RuntimeDirectoryError.notADirectory(path: path)) { try RuntimeDirectory(path: path) }
    }

    @Test("keyed names are stable, differ per part, and do not contain the parts")
    func keyedNames() {
        let one = RuntimeDirectory.keyedName("dv_secret_key", "https://api.duvo.ai")
        #expect(one == RuntimeDirectory.keyedName("dv_secret_key", "https://api.duvo.ai"))
        #expect(one != RuntimeDirectory.keyedName("dv_other_key", "https://api.duvo.ai"))
        #expect(one.count == 32 && !one.contains("secret"))
    }
}
