// encode / decode / reconstruct (issue 5's offline CLI) and their video counterparts.
import ArgumentParser
import Foundation
import ImageIO
import RPC
import VisionTokenizerEngine

/// PNG text chunks naming what made an output file.
func provenance(model: String) -> [PNGTextEntry] {
    [PNGTextEntry(key: "Software", value: "emu3-swift \(emu3Version) emu3-vision-tokenizer"),
     PNGTextEntry(key: "Source", value: "Emu3 VQ decoder, model \(model)")]
}

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "encode", abstract: "Encode a PNG to VQ codes.")

    @Argument(help: "The PNG to encode.") var image: String
    @Flag(name: .long, help: "Print the codes as a JSON array of rows.") var json = false
    @Flag(name: .long, help: "Encode at the image's own size (must be a multiple of the spatial factor).")
    var noSmartResize = false
    @OptionGroup var options: ModelOptions

    func run() throws {
        let tokenizer = try options.load()
        let png = try readFile(image)
        let result: (codes: CodeGrid, width: Int, height: Int)
        do { result = try tokenizer.encodeImage(png: png, smartResize: !noSmartResize) } catch { throw CLIError(error) }
        if json {
            print(try CodeJSON.encode(result.codes.rows()))
        } else {
            standardError("encoded \(result.width)×\(result.height) → \(result.codes.height)×\(result.codes.width) codes")
            for row in result.codes.rows() { print(row.map(String.init).joined(separator: " ")) }
        }
    }
}

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decode", abstract: "Decode a JSON code grid to a PNG.")

    @Argument(help: "JSON array of rows of codes (as `encode --json` prints).") var codes: String
    @Option(name: .shortAndLong, help: "Output PNG.") var output: String
    @OptionGroup var options: ModelOptions

    func run() throws {
        let tokenizer = try options.load()
        let rows = try CodeJSON.decodeRows(try readFile(codes), source: codes)
        let grid = CodeGrid(frames: 1, height: rows.count, width: rows.first?.count ?? 0, codes: rows.flatMap { $0 })
        do {
            let png = try tokenizer.decodeImagePNG(grid, text: provenance(model: options.modelName))
            try writeFile(png, to: output)
        } catch let error as CLIError { throw error } catch { throw CLIError(error) }
        standardError("decoded \(grid.height)×\(grid.width) codes → \(output)")
    }
}

struct ReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct", abstract: "Encode and decode a PNG; print the PSNR of the round trip.")

    @Argument(help: "The PNG to reconstruct.") var image: String
    @Option(name: .shortAndLong, help: "Output PNG.") var output: String
    @Flag(name: .long, help: "Encode at the image's own size (must be a multiple of the spatial factor).")
    var noSmartResize = false
    @OptionGroup var options: ModelOptions

    func run() throws {
        let tokenizer = try options.load()
        let png = try readFile(image)
        do {
            let input = try PNGDecoder.decode(png)
            let pixels = try tokenizer.preprocess(input, smartResize: !noSmartResize)
            let codes = try tokenizer.encode(pixels: pixels)
            let reconstructed = try tokenizer.decodeImage(codes)
            // PSNR against the image the encoder saw (after resizing), in RGB8.
            let reference = ImageProcessing.toRGB8(pixels, processor: tokenizer.processor)
            try writeFile(try PNGEncoder.encode(reconstructed, text: provenance(model: options.modelName)), to: output)
            print(String(format: "PSNR %.2f dB (%d×%d, %d×%d codes)", reference.psnr(against: reconstructed), pixels.width, pixels.height,
                         codes.width, codes.height))
        } catch let error as CLIError { throw error } catch { throw CLIError(error) }
    }
}

struct EncodeVideoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode-video", abstract: "Encode PNG frames (a multiple of the temporal factor) to VQ codes.")

    @Argument(help: "The frames, in order.") var frames: [String]
    @OptionGroup var options: ModelOptions

    func run() throws {
        let tokenizer = try options.load()
        do {
            let images = try frames.map { try PNGDecoder.decode(try readFile($0)) }
            let grid = try tokenizer.encodeVideo(images)
            print(try CodeJSON.encode((0..<grid.frames).map { grid.rows(frame: $0) }))
        } catch let error as CLIError { throw error } catch { throw CLIError(error) }
    }
}

struct DecodeVideoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-video", abstract: "Decode a JSON [frame][row][column] code grid to PNG frames.")

    @Argument(help: "JSON array of frames of rows of codes.") var codes: String
    @Option(name: .shortAndLong, help: "Output prefix; frames are written as PREFIX-0000.png, ...") var output: String
    @OptionGroup var options: ModelOptions

    func run() throws {
        let tokenizer = try options.load()
        let frames = try CodeJSON.decodeFrames(try readFile(codes), source: codes)
        let height = frames.first?.count ?? 0, width = frames.first?.first?.count ?? 0
        let grid = CodeGrid(frames: frames.count, height: height, width: width, codes: frames.flatMap { $0.flatMap { $0 } })
        do {
            for (i, image) in try tokenizer.decodeVideo(grid).enumerated() {
                try writeFile(try PNGEncoder.encode(image, text: provenance(model: options.modelName)),
                              to: String(format: "%@-%04d.png", output, i))
            }
        } catch let error as CLIError { throw error } catch { throw CLIError(error) }
    }
}

/// Code grids as JSON.
enum CodeJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decodeRows(_ bytes: [UInt8], source: String) throws -> [[Int32]] {
        guard let rows = try? JSONDecoder().decode([[Int32]].self, from: Data(bytes)) else {
            throw CLIError(message: "\(source): expected a JSON array of rows of integer codes")
        }
        guard let width = rows.first?.count, width > 0, rows.allSatisfy({ $0.count == width }) else {
            throw CLIError(message: "\(source): rows must be non-empty and of equal length")
        }
        return rows
    }

    static func decodeFrames(_ bytes: [UInt8], source: String) throws -> [[[Int32]]] {
        guard let frames = try? JSONDecoder().decode([[[Int32]]].self, from: Data(bytes)), !frames.isEmpty else {
            throw CLIError(message: "\(source): expected a JSON array of frames of rows of integer codes")
        }
        let h = frames[0].count, w = frames[0].first?.count ?? 0
        guard h > 0, w > 0, frames.allSatisfy({ $0.count == h && $0.allSatisfy { $0.count == w } }) else {
            throw CLIError(message: "\(source): frames must be non-empty and of equal shape")
        }
        return frames
    }
}
