#if canImport(Glibc)
import Glibc
#endif

extension Platform {
    /// Makes every thread of the process allocate from glibc's main malloc arena (`mallopt(M_ARENA_MAX, 1)`).
    ///
    /// By default glibc gives each thread that allocates an arena of its own (up to eight per core), and each arena
    /// keeps what was freed in it for later. A server whose blocking calls run on as many threads as are busy at
    /// once then holds several partly used arenas after a burst (measured in `bench/results/issue20-figures.txt`).
    /// A process that mostly waits on I/O loses nothing by sharing one arena; each thread keeps its own small cache
    /// of freed blocks (tcache). Call it at start-up, before other threads allocate: a thread keeps the arena it has.
    /// - Returns: false when the C library refused the setting or has no `mallopt`.
    @discardableResult
    package static func useOneMallocArena() -> Bool {
        // Neither `mallopt` nor `M_ARENA_MAX` (-8 in <malloc.h>) is exported by the Glibc module.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        return mallopt(-8, 1) == 1
    }
}
