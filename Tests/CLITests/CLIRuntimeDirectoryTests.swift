import Foundation
import Testing
import TestSupport
@testable import DuvoCLI
#if canImport(Glibc)
import Glibc
#endif

/// The runtime directory is this user's alone, or not used: nothing planted in it is followed or believed, and a
/// directory the user named keeps its mode.
@Suite("duvo: a runtime directory that is ours, or not used")
struct CLIRuntimeDirectoryTests {
    /// A fresh private directory for a test's own files (outside the runtime directory).
    private func scratch() -> String {
        let path = NSTemporaryDirectory() + "duvo-planted-\(UUID().uuidString)"
        mkdir(path, 0o700)
        return path
    }

    /// A file outside the runtime directory that planted links point at, and what it held.
    private func victim(in directory: String) -> (path: String, content: String) {
        let path = directory + "/bashrc"
        let content = "# the user's own file\n"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(content.utf8)))
        return (path, content)
    }

    private func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o7777
    }

    @Test("DUVO_RUNTIME_DIR relative or 1777: runs exits 3, rpc exits 2, saying why; the directory keeps its mode")
    func namedDirectoriesRefused() async throws {
        let open = scratch()
        defer { rmdir(open) }
        #expect(chmod(open, 0o1777) == 0)
        let cli = CLIHarness(environment: ["DUVO_RUNTIME_DIR": open])
        let refused = try await cli.runs(["list", "--simulate"])
        #expect(refused.status == 3, "\(refused)")
        #expect(refused.stderr.contains("refusing DUVO_RUNTIME_DIR=\(open): its mode 1777"), "\(refused)")
        #expect(mode(open) == 0o1777)
        #expect((try FileManager.default.contentsOfDirectory(atPath: open)).isEmpty, "nothing was made in it")

        let relative = try await cli.runs(["list", "--simulate"], environment: ["DUVO_RUNTIME_DIR": "duvo-rt"])
        #expect(relative.status == 3, "\(relative)")
        #expect(relative.stderr.contains("refusing DUVO_RUNTIME_DIR=duvo-rt: it must be an absolute path"))

        // rpc on a key shares its budget through the directory: the same refusal, as its configuration error.
        let rpc = try await cli.runProcess(["rpc"], environment: ["DUVO_API_KEY": "dv_test_key_rpc",
                                                                  "DUVO_BASE_URL": "http://127.0.0.1:9"])
        #expect(rpc.status == 2, "\(rpc)")
        #expect(rpc.stderr.contains("its mode 1777"), "\(rpc)")
        #expect(mode(open) == 0o1777)
    }

    @Test("a default runtime directory left world-writable with planted files is refused; nothing outside changes")
    func worldWritableDefaultRefused() async throws {
        let outside = scratch()
        let xdg = scratch()
        defer {
            try? FileManager.default.removeItem(atPath: outside)
            try? FileManager.default.removeItem(atPath: xdg)
        }
        let runtime = xdg + "/duvo"
        #expect(mkdir(runtime, 0o700) == 0 && chmod(runtime, 0o777) == 0)
        let (target, content) = victim(in: outside)
        for name in ["sim.log", "sim.alive", "sim.lock"] { #expect(symlink(target, runtime + "/" + name) == 0) }
        let cli = CLIHarness(environment: ["DUVO_RUNTIME_DIR": "", "XDG_RUNTIME_DIR": xdg])
        let refused = try await cli.runs(["list", "--simulate"])
        #expect(refused.status == 3, "\(refused)")
        #expect(refused.stderr.contains("refusing the runtime directory \(runtime): its mode 777"), "\(refused)")
        #expect(refused.stderr.contains("rm -r \(runtime)"))
        #expect(contents(target) == content)
        #expect(mode(runtime) == 0o777)
    }

    @Test("links planted for sim.log, sim.alive, sim.lock, sim.json are not followed out of the directory",
          arguments: ["sim.log", "sim.alive", "sim.lock", "sim.json"])
    func plantedLinks(name: String) async throws {
        let outside = scratch()
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let (target, content) = victim(in: outside)
        let cli = CLIHarness()
        let runtime = try #require(cli.environment["DUVO_RUNTIME_DIR"])
        // A 0700 directory of ours that holds a link: how an older duvo left one it had tightened.
        #expect(mkdir(runtime, 0o700) == 0)
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        #expect(symlink(target, runtime + "/" + name) == 0)
        let result = try await cli.runs(["list", "--simulate"])
        await cli.stopSharedSimulator()
        #expect(contents(target) == content, "\(name) was followed: \(result)")
        if name == "sim.json" {
            // Replaced by rename, never written through: the simulator starts and serves.
            #expect(result.status == 0, "\(result)")
        } else {
            #expect(result.status == 3, "\(result)")
            #expect(result.stderr.contains("refusing \(runtime)/\(name): it is a symbolic link"), "\(result)")
        }
    }

    @Test("files of another user in the runtime directory are refused (a planted sim.json and a held sim.alive)",
          .enabled(if: geteuid() == 0, "only root can give a file to another uid"))
    func foreignFiles() async throws {
        let cli = CLIHarness()
        let runtime = try #require(cli.environment["DUVO_RUNTIME_DIR"])
        #expect(mkdir(runtime, 0o700) == 0)
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        // Another listener, as someone else's simulator would be.
        let elsewhere = try await fastSimulator()
        let planted = """
            {"api_key": "dv_sim_local_key", "idle_timeout_seconds": 900, "pid": 1, "speed": 1, "started_at": 0,
             "team": "local-team", "url": "\(elsewhere.baseURL)", "version": "0"}
            """
        for name in ["sim.json", "sim.alive"] {
            #expect(FileManager.default.createFile(atPath: runtime + "/" + name, contents: Data(planted.utf8)))
            #expect(chown(runtime + "/" + name, 65534, 65534) == 0)
        }
        // Held, as its planter would hold it to pass for a running simulator.
        let held = open(runtime + "/sim.alive", O_RDONLY | O_CLOEXEC)
        #expect(held >= 0 && flock(held, LOCK_EX) == 0)
        defer { close(held) }
        let result = try await cli.runs(["list", "--simulate"])
        #expect(result.status == 3, "the planted state was used: \(result)")
        #expect(result.stderr.contains("refusing \(runtime)/sim.alive: it belongs to uid 65534"), "\(result)")
        let shared = try SharedSimulator(environment: cli.merged([:]))
        #expect(throws: SharedSimulatorError.self) { try shared.readState() }
    }
}
