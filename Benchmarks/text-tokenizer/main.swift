// emu3-bench-text: text tokenizer throughput and load time, beside tiktoken in the same run.
//
//   swift run -c release emu3-bench-text [--vocab PATH] [--corpus JSONL] [--seconds S] [--python PATH] [--no-tiktoken]
//   (run from the repository root; `make bench` does)
//
// Encodes every line of the golden corpus (Tests/Fixtures/text/qwen_goldens.jsonl) with the
// Qwen vocabulary: single-threaded, then as one batch over all cores; runs
// tools/bench_tiktoken.py (tiktoken's encode_ordinary / encode_ordinary_batch, same corpus,
// same vocabulary) and prints the ratios. Like tiktoken's encode_ordinary, the compared run
// uses no NFC normalisation; the NFC run (what the service does) is printed too.
// Not a test: speed never fails `swift test`.

import Foundation
import TextTokenizerEngine

struct Options {
    var vocab = ProcessInfo.processInfo.environment["EMU3_QWEN_VOCAB"]
        ?? ((ProcessInfo.processInfo.environment["EMU3_CACHE_DIR"] ?? NSHomeDirectory() + "/.cache/emu3-swift")
            + "/qwen.tiktoken")
    var corpus = "Tests/Fixtures/text/qwen_goldens.jsonl"
    var seconds = 2.0
    var tiktoken = true
    /// `$EMU3_PYTHON`, else the first venv found (tools/.venv of this checkout or of /work/main).
    var python = ProcessInfo.processInfo.environment["EMU3_PYTHON"]
        ?? ["tools/.venv/bin/python", "/work/main/tools/.venv/bin/python"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        } ?? "python3"

    init(_ arguments: [String]) {
        var it = arguments.makeIterator()
        while let arg = it.next() {
            switch arg {
            case "--vocab": vocab = it.next() ?? vocab
            case "--corpus": corpus = it.next() ?? corpus
            case "--seconds": seconds = Double(it.next() ?? "") ?? seconds
            case "--python": python = it.next() ?? python
            case "--no-tiktoken": tiktoken = false
            default:
                FileHandle.standardError.write(Data("unknown argument \(arg)\n".utf8))
                exit(2)
            }
        }
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU time of this thread: single-threaded rates use it, so other load on a shared machine
/// (time slices lost to other processes) does not count against either side.
func threadCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU seconds per run of `body`, repeated until `minimum` CPU seconds have passed.
func timedCPU(_ minimum: Double, _ body: () -> Void) -> Double {
    var runs = 0
    let start = threadCPUTime()
    while true {
        body()
        runs += 1
        let elapsed = threadCPUTime() - start
        if elapsed >= minimum { return elapsed / Double(runs) }
    }
}

/// Seconds per run of `body`, repeated until `minimum` seconds have passed.
func timed(_ minimum: Double, _ body: () -> Void) -> Double {
    var runs = 0
    let start = now()
    while true {
        body()
        runs += 1
        let elapsed = now() - start
        if elapsed >= minimum { return elapsed / Double(runs) }
    }
}

func peakRSSMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return .nan }
    return kb / 1024
}

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

struct TiktokenResult: Decodable {
    let tiktoken: String
    let load_s: Double
    let single_mbps: Double
    let batch_mbps: Double
    let threads: Int
    let tokens: Int
}

func runTiktoken(_ options: Options) -> TiktokenResult? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: options.python)
    process.arguments = ["tools/bench_tiktoken.py", "--vocab", options.vocab, "--corpus", options.corpus,
                         "--seconds", String(options.seconds)]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch {
        print("tiktoken: cannot run \(options.python): \(error)")
        return nil
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let line = data.split(separator: UInt8(ascii: "\n")).last else {
        print("tiktoken: bench_tiktoken.py failed (status \(process.terminationStatus))")
        return nil
    }
    return try? JSONDecoder().decode(TiktokenResult.self, from: Data(line))
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
struct Line: Decodable { let text: String }
let corpusData: Data
do { corpusData = try Data(contentsOf: URL(fileURLWithPath: options.corpus)) } catch {
    print("cannot read the corpus \(options.corpus): \(error)")
    exit(1)
}
let texts = try corpusData.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Line.self, from: Data($0)).text }
let bytes = texts.reduce(0) { $0 + $1.utf8.count }
let cores = ProcessInfo.processInfo.activeProcessorCount

// Load: the first load in a process also builds the Unicode class table (what a service pays).
var start = now()
var startCPU = threadCPUTime()
let tokenizer: TextTokenizer
do { tokenizer = try TextTokenizer(tiktokenFile: URL(fileURLWithPath: options.vocab), normalization: .none) } catch {
    print("cannot load \(options.vocab): \(error) (run `make vocab`)")
    exit(1)
}
let firstLoad = now() - start
let firstLoadCPU = threadCPUTime() - startCPU
var loads: [Double] = []
var loadsCPU: [Double] = []
for _ in 0..<7 {
    start = now()
    startCPU = threadCPUTime()
    _ = try TextTokenizer(tiktokenFile: URL(fileURLWithPath: options.vocab))
    loads.append(now() - start)
    loadsCPU.append(threadCPUTime() - startCPU)
}
let nfcTokenizer = try TextTokenizer(tiktokenFile: URL(fileURLWithPath: options.vocab), normalization: .nfc)

var tokenCount = 0
let single = timedCPU(options.seconds) {
    tokenCount = 0
    for text in texts { tokenCount += tokenizer.encode(text).count }
}
let singleNFC = timedCPU(options.seconds) { for text in texts { _ = nfcTokenizer.encode(text) } }
let batch = timed(options.seconds) { _ = tokenizer.encodeBatch(texts) }
let allIDs = texts.map { tokenizer.encode($0) }
let decode = timedCPU(options.seconds) { for ids in allIDs { _ = try! tokenizer.decode(ids) } }

let mb = Double(bytes) / 1e6
print("corpus: \(texts.count) lines, \(bytes) bytes, \(tokenCount) tokens; \(cores) cores")
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
print("emu3 load qwen.tiktoken (wall / CPU): first \(format(firstLoad * 1000, 1)) / \(format(firstLoadCPU * 1000, 1)) ms, "
      + "then median \(format(median(loads) * 1000, 1)) / \(format(median(loadsCPU) * 1000, 1)) ms")
print("emu3 encode 1 thread:   \(format(mb / single)) MB/s (\(format(Double(tokenCount) / single / 1e6)) M tokens/s)")
print("emu3 encode 1 thread, NFC on: \(format(mb / singleNFC)) MB/s")
print("emu3 encode batch, \(cores) cores: \(format(mb / batch)) MB/s")
print("emu3 decode 1 thread:   \(format(mb / decode)) MB/s")
if options.tiktoken, let t = runTiktoken(options) {
    if t.tokens != tokenCount { print("warning: tiktoken made \(t.tokens) tokens, emu3 \(tokenCount)") }
    print("tiktoken \(t.tiktoken) load: \(format(t.load_s * 1000, 1)) ms")
    print("tiktoken encode 1 thread: \(format(t.single_mbps)) MB/s")
    print("tiktoken encode batch, \(t.threads) threads: \(format(t.batch_mbps)) MB/s")
    print("ratio 1 thread (emu3 / tiktoken): \(format((mb / single) / t.single_mbps))x")
    print("ratio batch (emu3 / tiktoken):    \(format((mb / batch) / t.batch_mbps))x")
}
print("peak RSS: \(format(peakRSSMiB(), 1)) MiB")
