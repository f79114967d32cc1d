import Foundation
import Tensor

/// A STREAM-style copy (McCalpin's "Copy": a[i] = b[i], counted as 2 × bytes moved) over
/// buffers far larger than the caches, split over the same threads as the engine. Best of
/// `repeats`, as STREAM reports.
enum StreamCopy {
    /// Bytes per second.
    static func measure(bytes: Int = 1 << 30, threads: ComputeThreads, repeats: Int = 5) -> Double {
        let n = bytes / MemoryLayout<Float>.stride
        let src = UnsafeMutablePointer<Float>.allocate(capacity: n)
        let dst = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer {
            src.deallocate()
            dst.deallocate()
        }
        src.initialize(repeating: 1, count: n)  // touch every page before timing
        dst.initialize(repeating: 0, count: n)
        let s = UncheckedPointers(src: src, dst: dst)
        var best = Double.infinity
        for _ in 0..<repeats {
            let t = ContinuousClock.now
            threads.forEachChunk(of: n, alignment: 1024) { _, r in
                (s.dst + r.lowerBound).update(from: s.src + r.lowerBound, count: r.count)
            }
            best = min(best, (ContinuousClock.now - t).seconds)
        }
        return 2 * Double(n * MemoryLayout<Float>.stride) / best
    }
}

private struct UncheckedPointers: @unchecked Sendable {
    let src: UnsafeMutablePointer<Float>
    let dst: UnsafeMutablePointer<Float>
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
