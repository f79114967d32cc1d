import COpenBLAS
import Dispatch

/// How many threads the kernels split work over, and the one place OpenBLAS's thread count is
/// set (style: set BLAS threads once at start; never nest our parallel loop around a
/// threaded GEMM — here BLAS runs single-threaded inside our chunks).
public struct ComputeThreads: Sendable, Equatable {
    /// Number of parallel workers (≥ 1).
    public let count: Int

    /// - Parameter count: workers; values below 1 become 1.
    public init(_ count: Int) { self.count = max(1, count) }

    /// One worker: everything runs on the calling thread.
    public static let single = ComputeThreads(1)

    /// The machine's active processor count.
    public static var available: ComputeThreads { ComputeThreads(Int(openblas_get_num_procs())) }

    /// Makes OpenBLAS single-threaded (process-wide). Our kernels split GEMMs into panels and
    /// attention into heads, dynamically over `count` workers, and call BLAS inside each
    /// chunk: OpenBLAS's own static split stalls whenever the OS deschedules one of its
    /// threads (measured on the shared 2-core machine: 2 BLAS threads ran slower than 1).
    public func configureBLAS() { openblas_set_num_threads(1) }

    /// Chunks per worker: more, smaller chunks than workers, handed out dynamically, so a
    /// worker the OS descheduled (the cores are shared) delays its slice, not the whole step.
    public static let chunksPerWorker = 4

    /// Runs `body(chunk, range)` over contiguous chunks of `0..<total` in parallel, each
    /// chunk's start a multiple of `alignment`. Up to `chunksPerWorker × count` chunks, each
    /// at least `minChunk` long so small jobs stay on one thread (a hand-off costs ~10 µs).
    public func forEachChunk(
        of total: Int, alignment: Int = 1, minChunk: Int = 1, _ body: (Int, Range<Int>) -> Void
    ) {
        guard total > 0 else { return }
        let chunks = count == 1
            ? [0..<total] : chunkRanges(total: total, alignment: alignment, minChunk: minChunk)
        if chunks.count == 1 {
            body(0, chunks[0])
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks.count) { i in box.value(i, chunks[i]) }
        }
    }

    /// Runs `body(i)` for i in 0..<n over the workers (n small: heads, streams).
    public func forEach(_ n: Int, _ body: (Int) -> Void) {
        guard n > 0 else { return }
        if count == 1 || n == 1 {
            for i in 0..<n { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: n) { i in box.value(i) }
        }
    }

    func chunkRanges(total: Int, alignment: Int, minChunk: Int) -> [Range<Int>] {
        let a = max(1, alignment)
        let n = max(1, min(count * Self.chunksPerWorker, total / max(1, minChunk)))
        let units = (total + a - 1) / a
        var ranges: [Range<Int>] = []
        var start = 0
        for i in 0..<n {
            let endUnits = units * (i + 1) / n
            let end = min(total, endUnits * a)
            if end > start { ranges.append(start..<end) }
            start = end
        }
        return ranges
    }
}

/// Carries a non-Sendable closure into `concurrentPerform`; the closures passed here only
/// write disjoint output ranges, which is what makes the sharing safe.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
