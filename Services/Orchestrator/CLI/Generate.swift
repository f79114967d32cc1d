import ArgumentParser
import Foundation
import OrchestratorCore
import RPC

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate an image from a text prompt.",
        discussion: """
            Runs the Emu3 text-to-image pipeline: prompt and negative prompt through the text
            tokenizer, classifier-free guided sampling constrained to the image layout on the
            backbone, and the VQ decoder. The PNG carries the prompt and parameters in its
            tEXt chunks; the same seed gives the same image.
            Examples:
              emu3-orchestrator generate "a red circle on a blue background" -o circle.png
              emu3-orchestrator generate "a green star" -n 4 --seed 7 -o stars.png --json
            """)

    @Argument(help: "What the image should show.") var prompt: String
    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Output PNG (with -n N: out-1.png … out-N.png).", valueName: "file"))
    var output: String = "emu3.png"
    @Option(help: ArgumentHelp("Aspect ratio W:H, e.g. 16:9.", valueName: "W:H")) var ratio = "1:1"
    @Option(help: ArgumentHelp("Image area in pixels (default: the model's).", valueName: "pixels")) var area: Int?
    @Option(help: ArgumentHelp("Image size, e.g. 720x720 (sets ratio and area).", valueName: "WxH")) var size: String?
    @Option(help: "Classifier-free guidance scale (1 = none; default: the model's).") var cfg: Float?
    @Option(help: "Sample among the k most likely codes (default: the model's).") var topK: Int32?
    @Option(help: "Nucleus sampling threshold in (0, 1].") var topP: Float?
    @Option(help: "Sampling temperature (> 0).") var temperature: Float?
    @Option(help: "Random seed; the same seed gives the same image.") var seed: UInt64 = 0
    @Option(name: .customShort("n"), help: "Number of images (seeds seed, seed+1, …).") var count = 1
    @Option(help: "Negative prompt for the unconditional stream (default: the model's).") var negativePrompt: String?
    @Flag(help: "Print a machine-readable result on stdout.") var json = false
    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard (1...64).contains(count) else { throw ValidationError("-n must be 1...64") }
        if let size {
            let p = size.lowercased().split(separator: "x")
            guard p.count == 2, let w = Int(p[0]), let h = Int(p[1]), w > 0, h > 0 else {
                throw ValidationError("--size must look like 720x720")
            }
        }
    }

    func run() throws {
        let p = try pipeline.makePipeline()
        var options = GenerateOptions(prompt: prompt)
        options.ratio = ratio
        options.area = area
        if let size {
            let dims = size.lowercased().split(separator: "x").compactMap { Int($0) }
            options.ratio = "\(dims[0]):\(dims[1])"
            options.area = dims[0] * dims[1]
        }
        options.cfgScale = cfg
        options.topK = topK
        options.topP = topP
        options.temperature = temperature
        options.negativePrompt = negativePrompt
        let cancel = CancellationFlag()
        Interrupt.onInterrupt(cancel)
        var results: [[String: Any]] = []
        for i in 0..<count {
            options.seed = seed &+ UInt64(i)
            let path = count == 1 ? output : Self.numbered(output, i + 1)
            let reporter = ProgressReporter(label: count == 1 ? "generate" : "generate \(i + 1)/\(count)")
            let image: GeneratedImage
            do throws(PipelineError) {
                image = try p.generate(options, cancellation: cancel) { reporter.update(done: $0, total: $1) }
            } catch {
                reporter.finish()
                if error == .cancelled { throw fail("cancelled", code: 130) }
                throw fail(error.description)
            }
            reporter.finish()
            do {
                try Data(image.png).write(to: URL(fileURLWithPath: path))
            } catch {
                throw fail("cannot write \(path): \(error.localizedDescription)")
            }
            results.append(["path": path, "seed": image.seed, "width": image.width, "height": image.height,
                            "grid": [image.gridHeight, image.gridWidth], "tokens": image.tokenIds.count,
                            "elapsed_ms": image.elapsedMs, "parameters": image.parameters])
            if !json {
                print("\(path): \(image.width)x\(image.height), seed \(image.seed), \(image.tokenIds.count) tokens in \(String(format: "%.1f", Double(image.elapsedMs) / 1000)) s")
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: ["images": results], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    static func numbered(_ path: String, _ i: Int) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension.isEmpty ? "png" : url.pathExtension
        return url.deletingPathExtension().path + "-\(i)." + ext
    }
}
