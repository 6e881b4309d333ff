// The one place in `Sources` that imports the C library or calls Linux-only interfaces (`/proc`, `flock`,
// `posix_spawn` extensions, glibc's rwlock kinds): a port to another system starts here and, ideally, ends here.
#if canImport(Glibc)
import Glibc
#else
#error("duvo-bridge is built and tested on Linux (glibc) only; port Sources/Platform first")
#endif

/// Thin, typed wrappers over the system calls the rest of the package makes. Return values and errno codes are the
/// system's own (a count or -1, then ``lastError``), so callers keep their exact behaviour.
package enum Platform {}
