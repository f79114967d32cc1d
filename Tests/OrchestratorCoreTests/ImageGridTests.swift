import Emu3Proto
import Foundation
@testable import OrchestratorCore
import Testing

@Suite struct ImageGridTests {
    /// Spec §6.1 examples with A = 518400 (720²), ratio W:H → (h, w) in codes.
    static let examples: [(String, Int, Int)] = [
        ("1:1", 90, 90), ("4:3", 78, 104), ("3:4", 104, 78), ("16:9", 68, 120),
        ("9:16", 120, 68), ("3:2", 73, 110), ("21:9", 59, 137),
    ]

    @Test(arguments: examples)
    func ratiosGiveTheReferenceGrid(_ ratio: String, _ h: Int, _ w: Int) throws {
        let g = try ImageGrid.fromRatio(ratio, area: 518_400)
        #expect(g.height == h && g.width == w)
    }

    @Test func area512SquaredGives64x64() throws {
        let g = try ImageGrid.fromRatio("1:1", area: 262_144)
        #expect(g.height == 64 && g.width == 64)
    }

    @Test(arguments: ["0:1", "1:0", "a:b", "16/9", "1:1:1", "-1:2", "100:1", "99999999:1"])
    func impossibleRatiosAreRefused(_ ratio: String) {
        #expect(throws: PipelineError.self) { try ImageGrid.fromRatio(ratio, area: 518_400) }
    }

    @Test func gridsOutsideWhatTheModelWasTrainedOnAreRefused() throws {
        var d = ModelDefaults()
        d.imageArea = 4096
        d.allowedGrids = [[8, 8]]
        #expect(try ImageGrid.fromRatio("1:1", area: d.imageArea) == (8, 8))
        let p = try Pipeline(endpoints: Endpoints(urls: [:]), defaults: d)
        var o = GenerateOptions(prompt: "x")
        o.ratio = "2:1"
        #expect(throws: PipelineError.self) { try p.grid(for: o) }
        o.ratio = "1:1"
        #expect(try p.grid(for: o) == (8, 8))
    }

    static let specials: SpecialTokensResponse = {
        var s = SpecialTokensResponse()
        s.eolId = 10; s.eofId = 11; s.imageEndId = 12; s.eosId = 13
        s.visualTokenOffset = 100; s.visualTokenCount = 50
        return s
    }()

    @Test func imageTokensParseIntoCodesAndMalformedStreamsAreRefused() throws {
        // 2×3 grid: rows of 3 visual ids + EOL, then EOF, EOI, EOS.
        let ids: [Int32] = [100, 101, 102, 10, 103, 104, 149, 10, 11, 12, 13]
        #expect(try Pipeline.codes(fromImageTokens: ids, height: 2, width: 3, specials: Self.specials) == [0, 1, 2, 3, 4, 49])
        var noEOL = ids; noEOL[3] = 105
        #expect(throws: PipelineError.self) { try Pipeline.codes(fromImageTokens: noEOL, height: 2, width: 3, specials: Self.specials) }
        var text = ids; text[1] = 5
        #expect(throws: PipelineError.self) { try Pipeline.codes(fromImageTokens: text, height: 2, width: 3, specials: Self.specials) }
        #expect(throws: PipelineError.self) { try Pipeline.codes(fromImageTokens: Array(ids.prefix(8)), height: 2, width: 3, specials: Self.specials) }
    }

    @Test func modelDefaultsComeFromTheModelDirectory() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("emu3-defaults-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"{"image_height_codes": 8, "image_width_codes": 8, "cfg_scale": 1.5, "top_k": 64, "negative_prompt": ""}"#
            .write(to: dir.appendingPathComponent("emu3_defaults.json"), atomically: true, encoding: .utf8)
        let d = try ModelDefaults.load(from: dir)
        #expect(d.imageArea == 4096 && d.cfgScale == 1.5 && d.topK == 64 && d.negativePrompt == "")
        #expect(d.allowedGrids == [[8, 8]])
        #expect(try ModelDefaults.load(from: nil) == ModelDefaults())
    }
}
