import Emu3Proto
import Foundation
import ImageIO
import RPC

/// One vision tokenizer round trip: the decoded frames and how close they are to the input.
public struct Reconstruction: Sendable {
    /// The decoded frames as PNG (one for an image).
    public var pngs: [[UInt8]]
    /// PSNR of each decoded frame against its input frame, in dB (8-bit pixels).
    public var psnr: [Double]
    /// The code grid: latent frames, height, width.
    public var grid: (frames: Int, height: Int, width: Int)
    public var elapsedMs: Int64
}

extension Pipeline {
    /// Image or video → codes → pixels through the vision tokenizer service, at the input's own
    /// size (each side a multiple of the spatial factor; a video's frame count a multiple of the
    /// temporal factor). One PNG is an image; several are the frames of a video.
    public func reconstruct(pngs: [[UInt8]], timeoutMs: Int64 = 600_000) throws(PipelineError) -> Reconstruction {
        let start = monotonicNanoseconds()
        let deadline = Deadline.afterMilliseconds(timeoutMs)
        guard !pngs.isEmpty else { throw .badParameter("no image given") }
        var inputs: [RGBImage] = []
        for (i, png) in pngs.enumerated() {
            do { inputs.append(try PNGDecoder.decode(png)) } catch {
                throw .badParameter("\(pngs.count == 1 ? "the image" : "frame \(i + 1)") is not a readable PNG: \(error)")
            }
        }
        guard inputs.allSatisfy({ $0.width == inputs[0].width && $0.height == inputs[0].height }) else {
            throw .badParameter("all frames must have the same size")
        }
        let f = defaults.spatialFactor
        guard inputs[0].width % f == 0, inputs[0].height % f == 0 else {
            throw .badParameter("the image is \(inputs[0].width)×\(inputs[0].height); both sides must be multiples of \(f)")
        }
        let outputs: [[UInt8]]
        let grid: CodeGrid
        if pngs.count == 1 {
            var request = EncodeImageRequest()
            request.png = pngs[0]
            request.smartResize = false
            let encoded: EncodeImageResponse = try service("vision tokenizer") { () throws(RPCError) in
                try vision.call(Methods.VisionTokenizer.encodeImage, request, deadline: deadline)
            }
            guard let codes = encoded.codes else { throw .service("vision tokenizer", RPCError(.internal, "EncodeImage returned no codes")) }
            grid = codes
            var decode = DecodeImageRequest()
            decode.codes = codes
            decode.pngText = [KeyValue(key: "Software", value: "emu3-swift \(emu3Version) reconstruct")]
            let decoded: DecodeImageResponse = try service("vision tokenizer") { () throws(RPCError) in
                try vision.call(Methods.VisionTokenizer.decodeImage, decode, deadline: deadline)
            }
            outputs = [decoded.png]
        } else {
            var request = EncodeVideoRequest()
            request.framesPng = pngs
            let encoded: EncodeVideoResponse = try service("vision tokenizer") { () throws(RPCError) in
                try vision.call(Methods.VisionTokenizer.encodeVideo, request, deadline: deadline)
            }
            guard let codes = encoded.codes else { throw .service("vision tokenizer", RPCError(.internal, "EncodeVideo returned no codes")) }
            grid = codes
            var decode = DecodeVideoRequest()
            decode.codes = codes
            let decoded: DecodeVideoResponse = try service("vision tokenizer") { () throws(RPCError) in
                try vision.call(Methods.VisionTokenizer.decodeVideo, decode, deadline: deadline)
            }
            outputs = decoded.framesPng
        }
        guard outputs.count == inputs.count else {
            throw .service("vision tokenizer", RPCError(.internal, "decoded \(outputs.count) frames for \(inputs.count)"))
        }
        var psnr: [Double] = []
        for (input, png) in zip(inputs, outputs) {
            guard let out = try? PNGDecoder.decode(png), out.width == input.width, out.height == input.height else {
                throw .service("vision tokenizer", RPCError(.internal, "decoded a frame of another size"))
            }
            psnr.append(min(input.psnr(against: out), Self.identicalPSNR))
        }
        return Reconstruction(pngs: outputs, psnr: psnr, grid: (Int(grid.frames), Int(grid.height), Int(grid.width)),
                              elapsedMs: Int64((monotonicNanoseconds() - start) / 1_000_000))
    }

    /// The PSNR reported for identical frames (a finite number, so that JSON can carry it).
    public static let identicalPSNR = 99.0
}
