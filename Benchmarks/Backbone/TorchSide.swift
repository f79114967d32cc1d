import Foundation

/// Runs tools/bench_backbone.py with the project's Python venv (dev-only dependency).
enum TorchSide {
    /// `$EMU3_PYTHON`, else `tools/.venv/bin/python` of this checkout or of the working directory.
    static func python() -> String? {
        if let p = ProcessInfo.processInfo.environment["EMU3_PYTHON"], FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        let candidates = [repoRoot.appendingPathComponent("tools/.venv/bin/python").path,
                          FileManager.default.currentDirectoryPath + "/tools/.venv/bin/python"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The checkout this benchmark was built from.
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var script: String { repoRoot.appendingPathComponent("tools/bench_backbone.py").path }

    /// Runs the script; returns stdout, or nil (with the reason on stderr) on failure.
    static func run(_ arguments: [String]) -> String? {
        guard let python = python() else {
            FileHandle.standardError.write(Data("PyTorch side skipped: no tools/.venv (set EMU3_PYTHON)\n".utf8))
            return nil
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch {
            FileHandle.standardError.write(Data("cannot run \(python): \(error)\n".utf8))
            return nil
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            FileHandle.standardError.write(Data("\(script) \(arguments.first ?? "") exited \(p.terminationStatus)\n".utf8))
            return nil
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct Result: Decodable {
        let prefill_s: Double
        let decode1_s: Double
        let decode2_s: Double
        let peak_rss_mib: Double
        let torch: String
        let transformers: String
    }

    static func measure(model: URL, threads: Int, prompt: Int, steps: Int) -> Result? {
        guard let out = run(["run", "--model", model.path, "--threads", "\(threads)", "--prompt", "\(prompt)",
                             "--steps", "\(steps)"]),
              let line = out.split(separator: "\n").last else { return nil }
        return try? JSONDecoder().decode(Result.self, from: Data(line.utf8))
    }
}
