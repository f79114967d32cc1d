// Visual-token helpers (spec §5.2): code ↔ id, grid ↔ image span, and precise errors.

import Testing
@testable import TextTokenizerEngine

@Suite struct ImageTokenStreamTests {
    /// A 2×3 grid with codes 0…5 (the tiny vocabulary has 64 visual tokens).
    func grid() throws -> VisualCodeGrid { try VisualCodeGrid(height: 2, width: 3, codes: [0, 1, 2, 3, 4, 63]) }

    @Test func codeAndIDRoundTrip() throws {
        let special = try Fixtures.tiny.get().specialTokens()
        #expect(try special.visualTokenID(code: 0) == special.visualOffset)
        #expect(try special.visualTokenID(code: 63) == special.visualOffset + 63)
        #expect(special.visualCode(id: special.visualOffset + 5) == 5)
        #expect(special.visualCode(id: special.eol) == nil)
        #expect(throws: TextTokenizerError.visualCodeOutOfRange(code: 64, count: 64)) { try special.visualTokenID(code: 64) }
        #expect(throws: TextTokenizerError.visualCodeOutOfRange(code: -1, count: 64)) { try special.visualTokenID(code: -1) }
    }

    @Test func spanLayoutFollowsTheSpec() throws {
        let tokenizer = try Fixtures.tiny.get()
        let special = try tokenizer.specialTokens()
        let ids = try tokenizer.imageTokens(for: grid())
        let meta = tokenizer.encode("2*3")
        #expect(ids.count == 1 + meta.count + 1 + 2 * (3 + 1) + 2)  // spec §5.2 span length
        #expect(ids.first == special.imageStart)
        #expect(Array(ids[1...meta.count]) == meta)
        #expect(ids[meta.count + 1] == special.imageToken)
        let rows = Array(ids[(meta.count + 2)...])
        let v = special.visualOffset
        #expect(rows == [v, v + 1, v + 2, special.eol, v + 3, v + 4, v + 63, special.eol, special.eof, special.imageEnd])
        #expect(try tokenizer.parseImageStream(ids) == (try grid()))
    }

    @Test func qwenMetaTextIsOneTokenPerDigit() throws {
        let tokenizer = try Fixtures.qwen.get()
        let special = try tokenizer.specialTokens()
        let prefix = try tokenizer.imagePrefixTokens(height: 90, width: 90)
        #expect(prefix.count == 1 + 5 + 1)
        #expect(prefix.first == 151_852 && prefix.last == 151_851)  // spec §5.1 ids, read from the names
        #expect(special.visualOffset == 151_854 && special.visualCount == 32_768)
        let big = try VisualCodeGrid(height: 3, width: 4, codes: (0..<12).map { Int32($0 * 2_700) })
        #expect(try tokenizer.parseImageStream(tokenizer.imageTokens(for: big)) == big)
    }

    @Test func parseStopsAtImageEnd() throws {
        let tokenizer = try Fixtures.tiny.get()
        let special = try tokenizer.specialTokens()
        let text = tokenizer.encode("a cat")
        let ids = [special.bos] + text + (try tokenizer.imageTokens(for: grid())) + [special.eos]
        let (parsed, end) = try tokenizer.parseImage(ids, from: 1 + text.count)
        #expect(parsed == (try grid()))
        #expect(end == ids.count - 1)
        #expect(throws: TextTokenizerError.malformedImageStream(.trailingTokens(count: 1))) {
            try tokenizer.parseImageStream(Array(ids[(1 + text.count)...]))
        }
    }

    @Test func malformedStreamsGetPreciseErrors() throws {
        let tokenizer = try Fixtures.tiny.get()
        let s = try tokenizer.specialTokens()
        let good = try tokenizer.imageTokens(for: grid())
        let m = tokenizer.encode("2*3").count
        let firstRow = m + 2  // index of the first visual token
        func expectProblem(_ ids: [Int32], _ problem: ImageStreamProblem, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(throws: TextTokenizerError.malformedImageStream(problem), sourceLocation: sourceLocation) {
                try tokenizer.parseImageStream(ids)
            }
        }
        expectProblem(Array(good.dropFirst()), .missingImageStart(found: good[1]))
        expectProblem([], .missingImageStart(found: nil))
        expectProblem(good.filter { $0 != s.imageToken }, .missingImageToken)
        expectProblem([s.imageStart] + tokenizer.encode("2x3") + Array(good[(m + 1)...]), .unparsableMetaText("2x3"))
        expectProblem([s.imageStart] + tokenizer.encode("0*3") + Array(good[(m + 1)...]), .unparsableMetaText("0*3"))
        // Row 0 one token short: EOL comes at column 2.
        var short = good
        short.remove(at: firstRow)
        expectProblem(short, .wrongRowLength(row: 0, expected: 3, found: 2))
        // A text token inside row 1.
        var foreign = good
        foreign[firstRow + 5] = s.bos
        expectProblem(foreign, .nonVisualTokenInRow(row: 1, column: 1, id: s.bos, at: firstRow + 5))
        // Last EOL missing: EOF right after the row.
        var noEOL = good
        noEOL.remove(at: firstRow + 7)
        expectProblem(noEOL, .missingEndOfLine(row: 1))
        // Truncated after the last EOL.
        expectProblem(Array(good.prefix(firstRow + 8)), .missingEndOfFrame)
        // Truncated inside a row.
        expectProblem(Array(good.prefix(firstRow + 2)), .missingEndOfLine(row: 0))
        // No image end.
        expectProblem(Array(good.dropLast()), .missingImageEnd(found: nil))
        expectProblem(Array(good.dropLast()) + [s.eos], .missingImageEnd(found: s.eos))
        // Meta text says 3 rows, stream has 2.
        expectProblem([s.imageStart] + tokenizer.encode("3*3") + Array(good[(m + 1)...]), .wrongRowCount(expected: 3, found: 2))
        // Meta text says width 2, rows have 3.
        expectProblem([s.imageStart] + tokenizer.encode("2*2") + Array(good[(m + 1)...]), .wrongRowLength(row: 0, expected: 2, found: 3))
    }

    @Test func gridShapeIsChecked() throws {
        #expect(throws: TextTokenizerError.invalidGridShape(height: 2, width: 2, codeCount: 3)) {
            try VisualCodeGrid(height: 2, width: 2, codes: [0, 1, 2])
        }
        #expect(throws: TextTokenizerError.invalidGridShape(height: 0, width: 2, codeCount: 0)) {
            try VisualCodeGrid(height: 0, width: 2, codes: [])
        }
        let tokenizer = try Fixtures.tiny.get()
        #expect(throws: TextTokenizerError.visualCodeOutOfRange(code: 64, count: 64)) {
            try tokenizer.imageTokens(for: VisualCodeGrid(height: 1, width: 1, codes: [64]))
        }
    }
}
