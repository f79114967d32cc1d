// emu3-bench-backbone: the backbone on a random mid-size checkpoint beside PyTorch +
// transformers on the same weights and threads, plus decode bandwidth against a STREAM copy
// measured in the same run. Not a test: `make bench` runs it (release build).
//
// Usage: emu3-bench-backbone [--threads N] [--prompt 512] [--steps 32] [--model DIR] [--no-torch]
// The checkpoint (BF16, 2.4 GB) is made once by tools/bench_backbone.py into
// $EMU3_CACHE_DIR/bench-backbone-bf16 (default ~/.cache/emu3-swift).
import BackboneEngine
import Foundation
import Tensor

struct Options {
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var prompt = 512
    var steps = 32
    var model: String?
    var torch = true
    var profile = false

    init(_ args: [String]) {
        var i = 1
        func value() -> String {
            i += 1
            guard i < args.count else { fatalError("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--threads": threads = Int(value()) ?? threads
            case "--prompt": prompt = Int(value()) ?? prompt
            case "--steps": steps = Int(value()) ?? steps
            case "--model": model = value()
            case "--no-torch": torch = false
            case "--profile": profile = true
            default: fatalError("unknown argument \(args[i])")
            }
            i += 1
        }
    }
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func checkpointDirectory(_ o: Options) -> URL? {
    if let m = o.model { return URL(fileURLWithPath: m) }
    let cache = ProcessInfo.processInfo.environment["EMU3_CACHE_DIR"] ?? (NSHomeDirectory() + "/.cache/emu3-swift")
    let dir = URL(fileURLWithPath: cache).appendingPathComponent("bench-backbone-bf16")
    if FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path) { return dir }
    print("making the random BF16 checkpoint in \(dir.path) (once, ~2.4 GB)…")
    guard TorchSide.run(["make", "--out", dir.path]) != nil else { return nil }
    return dir
}

@MainActor func benchmark() throws {
    let o = Options(CommandLine.arguments)
    guard let dir = checkpointDirectory(o) else {
        print("no checkpoint: needs tools/.venv (torch) to make it, or --model DIR")
        return
    }
    let threads = ComputeThreads(o.threads)
    let engine = try BackboneEngine(modelDirectory: dir, threads: threads)
    let c = engine.configuration
    let m = engine.model

    // Bytes streamed per batch-1 decode step: every layer matrix and lm_head (one embedding row aside).
    let layerBytes = m.weightBytes - 2 * c.vocabularySize * c.hiddenSize * m.weightDType.byteSize
    let decodeBytes = Double(layerBytes + c.vocabularySize * c.hiddenSize * m.weightDType.byteSize)

    var g = SeededRandom(seed: 1)
    func randomPrompt(_ n: Int) -> [Int32] { (0..<n).map { _ in Int32(g.next() % 151_643) } }
    let ws = ForwardWorkspace()
    func argmax(_ t: Tensor) -> Int32 { Int32(t.withUnsafeBufferPointer { Softmax.argmax($0) ?? 0 }) }
    func time(_ body: () throws -> Void) rethrows -> Double {
        let t = ContinuousClock.now
        try body()
        return (ContinuousClock.now - t).seconds
    }

    // Warm-up: pages every weight in, starts the thread pools.
    _ = try m.forward([StreamStep(cache: m.makeCache(), tokens: randomPrompt(16), output: .last)], workspace: ws)
        .map { m.logits($0, workspace: ws) }

    if o.profile {
        try Profile.run(m, ws: ws)
        return
    }

    // Prefill.
    let cache1 = m.makeCache(initialCapacity: o.prompt + o.steps + 1)
    var logits = Tensor(zeros: [0])
    let prefill = try time {
        let h = try m.forward([StreamStep(cache: cache1, tokens: randomPrompt(o.prompt), output: .last)], workspace: ws)
        logits = m.logits(h[0], workspace: ws)
    }
    // Decode, batch 1, full vocabulary (text generation).
    let decode1 = try time {
        for _ in 0..<o.steps {
            let h = try m.forward([StreamStep(cache: cache1, tokens: [argmax(logits)], output: .last)], workspace: ws)
            logits = m.logits(h[0], workspace: ws)
        }
    } / Double(o.steps)
    // Decode, batch 2 (the two CFG streams, ragged, weights read once per step).
    func decodeTwo(vocabulary: Range<Int>?) throws -> Double {
        let caches = [m.makeCache(initialCapacity: o.prompt + o.steps + 1), m.makeCache(initialCapacity: o.prompt + o.steps + 1)]
        var h = try m.forward(caches.map { StreamStep(cache: $0, tokens: randomPrompt(o.prompt), output: .last) }, workspace: ws)
        return try time {
            for _ in 0..<o.steps {
                let both = m.logits(stacking: h, vocabulary: vocabulary, workspace: ws)
                let next = argmax(both) % Int32(both.shape[1]) + Int32(vocabulary?.lowerBound ?? 0)
                h = try m.forward(caches.map { StreamStep(cache: $0, tokens: [next], output: .last) }, workspace: ws)
            }
        } / Double(o.steps)
    }
    let decode2 = try decodeTwo(vocabulary: nil)
    let visual = c.tokens.visualRange.map { Int($0.lowerBound)..<Int($0.upperBound) }
    let decode2Visual = try decodeTwo(vocabulary: visual)
    let swiftRSS = peakRSSMiB()
    let copy = StreamCopy.measure(threads: threads)

    let torch = o.torch ? TorchSide.measure(model: dir, threads: o.threads, prompt: o.prompt, steps: o.steps) : nil

    func rate(_ s: Double) -> String { String(format: "%10.2f", 1 / s) }
    func row(_ name: String, _ ours: Double, _ theirs: Double?, per: Double = 1) {
        let t = theirs.map { String(format: "%10.2f", per / $0) } ?? "         -"
        let ratio = theirs.map { String(format: "%7.2fx", $0 / ours) } ?? "       -"
        print(name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%10.2f", per / ours) + t + ratio)
    }
    print("""
        emu3-bench-backbone: random Emu3 backbone, hidden \(c.hiddenSize), \(c.layerCount) layers, \
        \(c.headCount)/\(c.kvHeadCount) heads, ffn \(c.intermediateSize), vocab \(c.vocabularySize), \
        \(m.weightDType.rawValue) weights (\(String(format: "%.2f", Double(m.weightBytes) / 1e9)) GB), \
        \(o.threads) threads, kernels \(m.weightDType.isVectorised ? "AVX2+FMA" : "portable C")
        """)
    print("".padding(toLength: 34, withPad: " ", startingAt: 0) + "     swift   pytorch  speed-up")
    row("prefill \(o.prompt) tokens (tok/s)", prefill, torch?.prefill_s, per: Double(o.prompt))
    row("decode batch 1 (tok/s)", decode1, torch?.decode1_s)
    row("decode batch 2, CFG pair (steps/s)", decode2, torch?.decode2_s)
    row("  same, visual rows of lm_head only", decode2Visual, nil)
    print("peak RSS (MiB)".padding(toLength: 34, withPad: " ", startingAt: 0)
          + String(format: "%10.0f", swiftRSS) + (torch.map { String(format: "%10.0f", $0.peak_rss_mib) } ?? "         -"))
    let effective = decodeBytes / decode1
    print(String(format: "STREAM copy %.2f GB/s; batch-1 decode streams %.2f GB/step → %.2f GB/s = %.0f%% of copy",
                 copy / 1e9, decodeBytes / 1e9, effective / 1e9, 100 * effective / copy))
    if let torch { print("reference: torch \(torch.torch), transformers \(torch.transformers), same weights, \(o.threads) threads") }
}

try benchmark()
