import ArgumentParser
import Foundation
import OrchestratorCore
import RPC

struct Reconstruct: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Round-trip an image or a video through the vision tokenizer and print the PSNR.",
        discussion: """
            One PNG is an image; several PNGs are the frames of a video, in order (their count a
            multiple of the model's temporal factor, 4 for Emu3). Each side must be a multiple of
            the spatial factor (8). The decoded frames are written next to -o.
            Examples:
              emu3-orchestrator reconstruct photo.png -o photo-vq.png
              emu3-orchestrator reconstruct f1.png f2.png f3.png f4.png -o clip.png   # clip-1.png … clip-4.png
            """)

    @Argument(help: "The PNG image, or the frames of a video.") var images: [String]
    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Output PNG (several frames: out-1.png …).", valueName: "file"))
    var output = "reconstructed.png"
    @Flag(help: "Print a machine-readable result on stdout.") var json = false
    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        if images.isEmpty { throw ValidationError("give one PNG (an image) or several (the frames of a video)") }
    }

    func run() throws {
        let pngs = try images.map(readImageFile)
        let p = try pipeline.makePipeline()
        let result: Reconstruction
        do throws(PipelineError) { result = try p.reconstruct(pngs: pngs) } catch { throw fail(error.description) }
        var paths: [String] = []
        for (i, png) in result.pngs.enumerated() {
            let path = result.pngs.count == 1 ? output : Generate.numbered(output, i + 1)
            guard FileManager.default.createFile(atPath: path, contents: Data(png)) else { throw fail("cannot write \(path)") }
            paths.append(path)
        }
        let mean = result.psnr.reduce(0, +) / Double(result.psnr.count)
        if json {
            let obj: [String: Any] = ["outputs": paths, "psnr_db": result.psnr.map { ($0 * 100).rounded() / 100 },
                                      "mean_psnr_db": (mean * 100).rounded() / 100,
                                      "grid": [result.grid.frames, result.grid.height, result.grid.width],
                                      "elapsed_ms": result.elapsedMs]
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for (path, psnr) in zip(paths, result.psnr) { print("\(path)  PSNR \(String(format: "%.2f", psnr)) dB") }
            if paths.count > 1 { print("mean PSNR \(String(format: "%.2f", mean)) dB") }
            FileHandle.standardError.write(Data("codes: \(result.grid.frames)×\(result.grid.height)×\(result.grid.width), \(result.elapsedMs) ms\n".utf8))
        }
    }
}
