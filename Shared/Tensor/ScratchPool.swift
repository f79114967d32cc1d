/// Reusable Float32 buffers for work split over threads (each parallel chunk borrows one),
/// so hot loops neither allocate nor page-fault fresh memory per call.
/// `@unchecked Sendable`: `free` is protected by `lock`.
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool()

    private let lock = PthreadLock()
    private var free: [(capacity: Int, pointer: UnsafeMutablePointer<Float>)] = []  // protected by lock
    /// Buffers kept when returned (more are freed).
    private let keep = 16

    /// Calls `body` with a buffer of at least `count` floats (contents unspecified).
    func withBuffer<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        let buffer = take(count)
        defer { give(buffer) }
        return body(buffer.pointer)
    }

    private func take(_ count: Int) -> (capacity: Int, pointer: UnsafeMutablePointer<Float>) {
        lock.lock()
        if let i = free.firstIndex(where: { $0.capacity >= count }) {
            let b = free.remove(at: i)
            lock.unlock()
            return b
        }
        lock.unlock()
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        return (count, raw.bindMemory(to: Float.self, capacity: max(count, 1)))
    }

    private func give(_ b: (capacity: Int, pointer: UnsafeMutablePointer<Float>)) {
        lock.lock()
        if free.count < keep {
            free.append(b)
            lock.unlock()
        } else {
            lock.unlock()
            UnsafeMutableRawPointer(b.pointer).deallocate()
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex (Foundation-free; the Tensor module does not import Foundation).
final class PthreadLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { pthread_mutex_init(mutex, nil) }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
}
