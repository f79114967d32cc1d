import BackboneEngine
import Emu3Proto
import Foundation
import RPC

/// Generate jobs by request_id: de-duplication (a request_id runs at most once at a time),
/// Progress polling, and Cancel. Finished jobs stay visible for `keepSeconds` so a client
/// polling after the end still reads the last ids and the final state.
/// `@unchecked Sendable`: `jobs` is protected by `lock`.
final class JobRegistry: @unchecked Sendable {
    struct Job {
        var state: ProgressResponse.State
        var ids: [Int32] = []
        var total: Int
        let control: GenerationControl
        var finished: ContinuousClock.Instant? = nil
    }

    private let lock = NSLock()
    private var jobs: [String: Job] = [:]  // protected by lock
    let keepSeconds: Int64
    let maxFinished: Int

    init(keepSeconds: Int64 = 300, maxFinished: Int = 256) {
        self.keepSeconds = keepSeconds
        self.maxFinished = maxFinished
    }

    /// Registers a queued job; ALREADY_EXISTS while one with the same id is not finished.
    func begin(_ id: String, total: Int, control: GenerationControl) throws(RPCError) {
        try locked { () throws(RPCError) in
            prune()
            if let old = jobs[id], old.finished == nil {
                throw RPCError(.alreadyExists, "request_id \(id) is already running on this replica")
            }
            jobs[id] = Job(state: .queued, total: total, control: control)
        }
    }

    /// Records a progress report.
    func update(_ id: String, _ p: GenerationProgress) {
        locked {
            guard var job = jobs[id] else { return }
            job.state = .decoding
            job.ids += p.newTokens
            job.total = p.tokensTotal
            jobs[id] = job
        }
    }

    func setState(_ id: String, _ state: ProgressResponse.State) {
        locked { jobs[id]?.state = state }
    }

    /// Marks the job finished (done, cancelled or failed).
    func finish(_ id: String, _ state: ProgressResponse.State) {
        locked {
            jobs[id]?.state = state
            jobs[id]?.finished = .now
        }
    }

    /// Forgets a job that never started (refused at admission).
    func remove(_ id: String) { locked { jobs[id] = nil } }

    /// State and the ids from `from` on; nil for an unknown id.
    func progress(_ id: String, from: Int) -> ProgressResponse? {
        locked {
            guard let job = jobs[id] else { return nil }
            var r = ProgressResponse()
            r.state = job.state
            r.tokensDone = Int32(clamping: job.ids.count)
            r.tokensTotal = Int32(clamping: job.total)
            r.newIds = from < job.ids.count ? Array(job.ids[max(0, from)...]) : []
            return r
        }
    }

    /// Asks a running job to stop; false when no such job is running.
    func cancel(_ id: String) -> Bool {
        locked {
            guard let job = jobs[id], job.finished == nil else { return false }
            job.control.cancel()
            return true
        }
    }

    private func prune() {
        let cutoff = ContinuousClock.now - .seconds(keepSeconds)
        jobs = jobs.filter { $0.value.finished.map { $0 > cutoff } ?? true }
        let finished = jobs.filter { $0.value.finished != nil }.sorted { $0.value.finished! < $1.value.finished! }
        if finished.count > maxFinished {
            for (id, _) in finished.prefix(finished.count - maxFinished) { jobs[id] = nil }
        }
    }

    private func locked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
