import Foundation
import KeyCoordination
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
        let noSession = scratch()
        #expect(RuntimeDirectory.defaultPath(environment: [:], sessionDirectory: noSession) == "/tmp/duvo-\(getuid())")
        #expect(RuntimeDirectory.defaultPath(environment: ["XDG_RUNTIME_DIR": "relative"], sessionDirectory: noSession)
            == "/tmp/duvo-\(getuid())")
        #expect(RuntimeDirectory.defaultPath(environment: ["DUVO_RUNTIME_DIR": "/x/y", "XDG_RUNTIME_DIR": "/run"])
            == "/x/y")
    }

    @Test("without XDG_RUNTIME_DIR (an MCP client starting the server passes few variables), the session's own directory")
    func sessionDirectory() throws {
        let session = scratch()
        #expect(mkdir(session, 0o700) == 0)
        defer { rmdir(session) }
        #expect(RuntimeDirectory.defaultPath(environment: [:], sessionDirectory: session) == session + "/duvo")
        #expect(RuntimeDirectory.defaultPath(environment: ["XDG_RUNTIME_DIR": "/run/user/7"], sessionDirectory: session)
            == "/run/user/7/duvo")
        // One that others may enter is not the session's private directory: /tmp it is.
        #expect(chmod(session, 0o755) == 0)
        #expect(RuntimeDirectory.defaultPath(environment: [:], sessionDirectory: session) == "/tmp/duvo-\(getuid())")
    }

    @Test("a FIFO planted at a runtime file's path is refused as not a regular file, at once, not waited on",
          .timeLimit(.minutes(1)))
    func fifoIsRefused() throws {
        let path = scratch()
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        do {
            _ = try OwnedFile.contents(of: path, limit: 1024)
            Issue.record("a FIFO was read as a file")
        } catch {
            #expect("\(error)".contains("not a regular file"), "\(error)")
        }
    }

    @Test("created 0700")
    func createdPrivate() throws {
        let path = scratch()
        defer { rmdir(path) }
        _ = try RuntimeDirectory(path: path)
        #expect(mode(path) == 0o700)
        _ = try RuntimeDirectory(path: path)
        #expect(mode(path) == 0o700)
    }

    @Test("a default directory others could enter is refused, not tightened: files in it may be theirs")
    func looseDefaultRefused() throws {
        let parent = scratch()
        defer { rmdir(parent + "/duvo"); rmdir(parent) }
        #expect(mkdir(parent, 0o700) == 0)
        #expect(mkdir(parent + "/duvo", 0o700) == 0 && chmod(parent + "/duvo", 0o777) == 0)
        let error = #expect(throws: RuntimeDirectoryError.self) {
            try RuntimeDirectory.current(environment: ["XDG_RUNTIME_DIR": parent])
        }
        #expect(error == .tooOpen(path: parent + "/duvo", mode: 0o777, named: false))
        #expect(error?.description.contains("rm -r \(parent)/duvo") == true, "\(String(describing: error))")
        #expect(mode(parent + "/duvo") == 0o777)
    }

    @Test("DUVO_RUNTIME_DIR naming a 1777 or 2775 directory is refused and keeps its mode")
    func namedLooseRefused() throws {
        for loose: mode_t in [0o1777, 0o2775, 0o750] {
            let path = scratch()
            defer { rmdir(path) }
            #expect(mkdir(path, 0o700) == 0 && chmod(path, loose) == 0)
            let error = #expect(throws: RuntimeDirectoryError.self) {
                try RuntimeDirectory.current(environment: ["DUVO_RUNTIME_DIR": path])
            }
            #expect(error == .tooOpen(path: path, mode: UInt32(loose), named: true))
            #expect(error?.description.contains("DUVO_RUNTIME_DIR=\(path)") == true)
            #expect(mode(path) == loose, "the mode of a directory the user named is never changed")
        }
    }

    @Test("a relative DUVO_RUNTIME_DIR is refused, not ignored")
    func relativeRefused() {
        #expect(throws: RuntimeDirectoryError.relative("run/duvo")) {
            try RuntimeDirectory.current(environment: ["DUVO_RUNTIME_DIR": "run/duvo"])
        }
        #expect(RuntimeDirectoryError.relative("run/duvo").description.contains("absolute path"))
    }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o7777
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
        #expect(message.contains(path) && message.contains("DUVO_RUNTIME_DIR"))
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
