import Foundation
import RPC

/// Progress on stderr: a redrawn bar with tokens/s and ETA on a terminal, plain lines every
/// 10% otherwise (logs, pipes).
final class ProgressReporter: @unchecked Sendable {
    // protected by `lock`.
    private let lock = NSLock()
    private let label: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let start = monotonicNanoseconds()
    private var lastDecile = -1
    private var lastDone = -1

    init(label: String) { self.label = label }

    func update(done: Int, total: Int) {
        lock.lock(); defer { lock.unlock() }
        guard total > 0, done != lastDone else { return }
        lastDone = done
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if isTerminal {
            let width = 30
            let filled = min(width, done * width / total)
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data(String(format: "\r%@ %@ %d/%d tokens  %.1f tok/s  ETA %.0fs ", label, bar, done, total, rate, eta).utf8))
        } else {
            let decile = done * 10 / total
            if decile > lastDecile {
                lastDecile = decile
                FileHandle.standardError.write(Data(String(format: "%@: %d/%d tokens (%.1f tok/s)\n", label, done, total, rate).utf8))
            }
        }
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if isTerminal && lastDone >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Ctrl-C (SIGINT) and SIGTERM during a job: cancel it in every service, then exit 130.
enum Interrupt {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func onInterrupt(_ flag: CancellationFlag) {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        sources = [SIGINT, SIGTERM].map { sig in
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler {
                if flag.isCancelled { exit(130) }  // a second Ctrl-C leaves at once
                FileHandle.standardError.write(Data("\ncancelling…\n".utf8))
                flag.cancel()
            }
            s.resume()
            return s
        }
    }
}
