import Emu3Proto
import Emu3Testing
import Foundation
import ImageIO
import RPC
import SafeTensors
import Testing

/// emu3-vision-tokenizer as a real process on the committed tiny VQ (tiny-a, transformers layout).
@Suite(.serialized) struct VisionTokenizerServiceTests {
    static let model = URL(fileURLWithPath: TestModels.visionTokenizer)

    static func start(dir: TemporaryDirectory, extra: [String] = []) throws -> ServiceProcess {
        try ServiceProcess(service: "vision-tokenizer", url: dir.ipcURL("vt"),
                           extraArguments: ["--model", model.path, "--threads", "2"] + extra)
    }

    static func goldenCodes(_ name: String) throws -> (shape: [Int], codes: [Int32]) {
        let file = try SafeTensorsFile(url: model.appendingPathComponent("golden.safetensors"))
        let shape = try file.info(name).shape
        let codes = try file.withRawBytes(name) { raw in
            (0..<(raw.count / 4)).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        }
        return (shape, codes)
    }

    static func expectStatus(_ code: StatusCode, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected \(code), got a reply", sourceLocation: sourceLocation)
        } catch let error as RPCError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func encodesAndDecodesImagesAsTransformers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try Self.start(dir: dir)
        try p.waitUntilServing()
        let client = try RPCClient(url: p.url, options: .longRunning)
        defer { client.close() }

        var encode = EncodeImageRequest()
        encode.png = [UInt8](try Data(contentsOf: Self.model.appendingPathComponent("inputs/rgb-45x37.png")))
        encode.smartResize = true
        let encoded: EncodeImageResponse = try client.call(Methods.VisionTokenizer.encodeImage, encode, deadline: .afterMilliseconds(30_000))
        let golden = try Self.goldenCodes("rgb-45x37.codes")
        #expect(encoded.codes?.codes == golden.codes)
        #expect(encoded.codes.map { [Int($0.frames), Int($0.height), Int($0.width)] } == [1] + golden.shape)
        #expect(encoded.width == 44 && encoded.height == 36)

        var decode = DecodeImageRequest()
        decode.codes = encoded.codes
        decode.pngText = [KeyValue(key: "Description", value: "a test")]
        let decoded: DecodeImageResponse = try client.call(Methods.VisionTokenizer.decodeImage, decode, deadline: .afterMilliseconds(30_000))
        #expect(decoded.width == 44 && decoded.height == 36)
        let image = try PNGDecoder.decode(decoded.png)
        #expect(image.width == 44 && image.height == 36)
        let text = String(decoding: decoded.png, as: UTF8.self)
        #expect(text.contains("Software") && text.contains("emu3-swift") && text.contains("a test"))

        let info = try client.info(deadline: .afterMilliseconds(2000))
        #expect(info.details.contains { $0.key == "libpng" && $0.value.hasPrefix("1.6.") })
        #expect(info.details.contains { $0.key == "vq.codebook_size" && $0.value == "64" })
        #expect(p.stop() == 0)
    }

    @Test func videoRoundTripMatchesTheGoldenCodes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try Self.start(dir: dir)
        try p.waitUntilServing()
        let client = try RPCClient(url: p.url, options: .longRunning)
        defer { client.close() }
        var request = EncodeVideoRequest()
        request.framesPng = try (0..<8).map { [UInt8](try Data(contentsOf: Self.model.appendingPathComponent("inputs/video-\($0).png"))) }
        let encoded: EncodeVideoResponse = try client.call(Methods.VisionTokenizer.encodeVideo, request, deadline: .afterMilliseconds(30_000))
        #expect(encoded.codes?.codes == (try Self.goldenCodes("video.codes")).codes)
        var decode = DecodeVideoRequest()
        decode.codes = encoded.codes
        let frames: DecodeVideoResponse = try client.call(Methods.VisionTokenizer.decodeVideo, decode, deadline: .afterMilliseconds(30_000))
        #expect(frames.framesPng.count == 8)
        #expect(try frames.framesPng.allSatisfy { try PNGDecoder.decode($0).width == 16 })
        #expect(p.stop() == 0)
    }

    /// Hostile and odd images: INVALID_ARGUMENT with a clear message, RSS growth under 16 MiB
    /// per case, and the service stays up (RELIABILITY.md test plan D).
    @Test func badImagesAreInvalidArgumentAndTheServiceStaysUp() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try Self.start(dir: dir)
        try p.waitUntilServing()
        let client = try RPCClient(url: p.url, options: .longRunning)
        defer { client.close() }
        let good = try PNGEncoder.encode(try RGBImage(width: 64, height: 48, red: 10, green: 200, blue: 30))
        let bombHeader = Array(good[0..<16]) + [0, 0, 0x40, 0, 0, 0, 0x40, 0] + Array(good[24..<29])
        var bomb = Array(bombHeader[0..<29])
        bomb += Self.crc(Array(bomb[12..<29]))
        bomb += Array(good[33...])
        let cases: [(String, [UInt8], String)] = [
            ("not a PNG", Array("GIF89a not really".utf8), "unsupported image format"),
            ("bomb 16384²", bomb, "image too large"),
            ("truncated", Array(good[0..<(good.count / 2)]), "PNG"),
            ("1×1", try PNGEncoder.encode(try RGBImage(width: 1, height: 1, red: 0, green: 0, blue: 0)), "image too small"),
            ("aspect 16×4000", try PNGEncoder.encode(try RGBImage(width: 4000, height: 16, red: 0, green: 0, blue: 0)), "aspect ratio"),
            ("empty", [], "unsupported image format"),
        ]
        let before = p.residentKiB
        for (name, png, phrase) in cases {
            var request = EncodeImageRequest()
            request.png = png
            request.smartResize = true
            let rssBefore = p.residentKiB
            do {
                let _: EncodeImageResponse = try client.call(Methods.VisionTokenizer.encodeImage, request, deadline: .afterMilliseconds(10_000))
                Issue.record("\(name): accepted")
            } catch {
                #expect(error.code == .invalidArgument, "\(name): \(error)")
                #expect(error.message.contains(phrase), "\(name): \(error.message)")
            }
            #expect(p.residentKiB - rssBefore < 16 * 1024, "\(name): RSS grew by \(p.residentKiB - rssBefore) KiB")
            #expect(try client.healthCheck(deadline: .afterMilliseconds(2000)).status == .serving)
        }
        #expect(p.residentKiB - before < 16 * 1024)

        var decode = DecodeImageRequest()
        decode.codes = CodeGrid(frames: 1, height: 2, width: 2, codes: [0, 1, 2, 64])
        Self.expectStatus(.invalidArgument) {
            let _: DecodeImageResponse = try client.call(Methods.VisionTokenizer.decodeImage, decode, deadline: .afterMilliseconds(5000))
        }
        decode.codes = nil
        Self.expectStatus(.invalidArgument) {
            let _: DecodeImageResponse = try client.call(Methods.VisionTokenizer.decodeImage, decode, deadline: .afterMilliseconds(5000))
        }
        decode.codes = CodeGrid(frames: 1, height: 1000, width: 1000, codes: [])
        Self.expectStatus(.resourceExhausted) {
            let _: DecodeImageResponse = try client.call(Methods.VisionTokenizer.decodeImage, decode, deadline: .afterMilliseconds(5000))
        }
        var video = EncodeVideoRequest()
        video.framesPng = [good, good, good]
        Self.expectStatus(.invalidArgument) {
            let _: EncodeVideoResponse = try client.call(Methods.VisionTokenizer.encodeVideo, video, deadline: .afterMilliseconds(5000))
        }
        #expect(p.stop() == 0)
    }

    @Test func aSecondRequestBeyondMaxInFlightIsResourceExhausted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try Self.start(dir: dir, extra: ["--max-in-flight", "1"])
        try p.waitUntilServing()
        let slow = try RPCClient(url: p.url, options: .longRunning)
        let fast = try RPCClient(url: p.url, options: .longRunning)
        defer {
            slow.close()
            fast.close()
        }
        // A 40×40 grid (160² output) keeps the one slot busy for a few seconds.
        let big = DecodeImageRequest(codes: CodeGrid(frames: 1, height: 40, width: 40, codes: (0..<(40 * 40)).map { Int32($0 % 64) }))
        let started = DispatchSemaphore(value: 0)
        let result = ResultBox<DecodeImageResponse>()
        let thread = Thread {
            started.signal()
            result.set(Result { try slow.call(Methods.VisionTokenizer.decodeImage, big, deadline: .afterMilliseconds(120_000)) })
        }
        thread.start()
        started.wait()
        usleep(300_000)
        var small = DecodeImageRequest()
        small.codes = CodeGrid(frames: 1, height: 1, width: 1, codes: [3])
        do {
            let _: DecodeImageResponse = try fast.call(Methods.VisionTokenizer.decodeImage, small, deadline: .afterMilliseconds(5000))
            Issue.record("second request admitted while the first ran")
        } catch {
            #expect(error.code == .resourceExhausted && error.retryAfterMs > 0, "\(error)")
        }
        let done = try result.wait(timeoutMs: 120_000)
        #expect(done.width == 160 && done.height == 160)
        #expect(p.stop() == 0)
    }

    static func crc(_ bytes: [UInt8]) -> [UInt8] {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        c ^= 0xFFFF_FFFF
        return [UInt8(c >> 24), UInt8((c >> 16) & 0xFF), UInt8((c >> 8) & 0xFF), UInt8(c & 0xFF)]
    }
}
