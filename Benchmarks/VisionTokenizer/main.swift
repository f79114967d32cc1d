// Vision tokenizer benchmark (not a test): one operation per process so peak RSS is per
// operation. Prints one JSON line: {"impl","op","seconds","load_seconds","peak_rss_mb","threads",...}.
//
//   VisionTokenizerBenchmarks decode --model DIR --codes codes.json [--threads N] [--repeat R]
//   VisionTokenizerBenchmarks encode --model DIR --image in.png [--threads N] [--repeat R]
//   VisionTokenizerBenchmarks conv --cin 512 --cout 512 --size 128 [--threads N]
import Foundation
import ImageIO
import Tensor
import VisionTokenizerEngine

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024  // kB on Linux
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let op = arguments.first else { fail("usage: VisionTokenizerBenchmarks decode|encode|conv [options]") }
arguments.removeFirst()
var options: [String: String] = [:]
var i = 0
while i + 1 < arguments.count {
    options[String(arguments[i].drop { $0 == "-" })] = arguments[i + 1]
    i += 2
}
if let threads = options["threads"].flatMap(Int.init) { VisionTokenizer.setComputeThreads(threads) }
let repeats = options["repeat"].flatMap(Int.init) ?? 1

func report(_ fields: [String: Any]) {
    var all = fields
    all["impl"] = "swift"
    all["op"] = op
    all["threads"] = VisionTokenizer.computeThreads
    all["peak_rss_mb"] = (peakRSSMegabytes() * 10).rounded() / 10
    let data = try! JSONSerialization.data(withJSONObject: all, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

switch op {
case "decode", "encode":
    guard let model = options["model"] else { fail("--model DIR is required") }
    let t0 = now()
    let tokenizer: VisionTokenizer
    do { tokenizer = try VisionTokenizer(modelDirectory: URL(fileURLWithPath: model)) } catch { fail("\(error)") }
    let loadSeconds = now() - t0
    var times: [Double] = []
    var shape = ""
    if op == "decode" {
        guard let path = options["codes"], let data = FileManager.default.contents(atPath: path),
            let rows = try? JSONDecoder().decode([[Int32]].self, from: data)
        else { fail("--codes FILE (JSON rows) is required") }
        let grid = CodeGrid(frames: 1, height: rows.count, width: rows[0].count, codes: rows.flatMap { $0 })
        for _ in 0..<repeats {
            let t = now()
            guard let pixels = try? tokenizer.decodePixels(grid) else { fail("decode failed") }
            times.append(now() - t)
            shape = "\(grid.height)x\(grid.width) codes -> \(pixels.height)x\(pixels.width)"
        }
    } else {
        guard let path = options["image"], let data = FileManager.default.contents(atPath: path) else {
            fail("--image FILE is required")
        }
        for _ in 0..<repeats {
            let t = now()
            let result: (codes: CodeGrid, width: Int, height: Int)
            do { result = try tokenizer.encodeImage(png: [UInt8](data)) } catch { fail("encode failed: \(error)") }
            times.append(now() - t)
            shape = "\(result.height)x\(result.width) -> \(result.codes.height)x\(result.codes.width) codes"
        }
    }
    report(["seconds": times.min()!, "all_seconds": times, "load_seconds": loadSeconds, "shape": shape])

case "conv":
    // One 3×3 conv (im2col + SGEMM), for comparing raw conv throughput with torch.
    let cin = options["cin"].flatMap(Int.init) ?? 512, cout = options["cout"].flatMap(Int.init) ?? 512
    let size = options["size"].flatMap(Int.init) ?? 128
    let x = (0..<(cin * size * size)).map { _ in Float.random(in: -1...1) }
    let w = (0..<(cout * cin * 9)).map { _ in Float.random(in: -0.05...0.05) }
    let b = [Float](repeating: 0, count: cout)
    var out = [Float](repeating: 0, count: cout * size * size)
    let g = Conv2DGeometry(inChannels: cin, inHeight: size, inWidth: size, kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)
    var times: [Double] = []
    for _ in 0..<max(2, repeats) {
        let t = now()
        Conv2DKernel.forward(input: x, geometry: g, weight: w, bias: b, outChannels: cout, output: &out)
        times.append(now() - t)
    }
    let gmac = Double(cout * cin * 9 * size * size) / 1e9
    report(["seconds": times.min()!, "gmac": gmac, "gmac_per_second": gmac / times.min()!])

default:
    fail("unknown operation \(op)")
}
