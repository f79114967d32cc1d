// One image in the token stream (spec §5.2):
//   <|image start|> "{h}*{w}" <|image token|> row_0 EOL … row_{h-1} EOL EOF <|image end|>
// The meta text "{h}*{w}" is ordinary text in grid units (digits one per token with the Qwen
// pattern); EOL follows every row, including the last. Span length = 1 + len(meta) + 1 + h(w+1) + 2.

/// A grid of visual codes (VQ indices), row-major: `codes[r * width + c]`.
public struct VisualCodeGrid: Sendable, Equatable {
    public let height: Int
    public let width: Int
    public let codes: [Int32]

    /// - Throws: ``TextTokenizerError/invalidGridShape(height:width:codeCount:)`` unless
    ///   `height, width >= 1` and `codes.count == height * width`.
    public init(height: Int, width: Int, codes: [Int32]) throws {
        let product = height.multipliedReportingOverflow(by: width)
        guard height >= 1, width >= 1, !product.overflow, product.partialValue == codes.count else {
            throw TextTokenizerError.invalidGridShape(height: height, width: width, codeCount: codes.count)
        }
        self.height = height
        self.width = width
        self.codes = codes
    }

    /// The code at row `row`, column `column`.
    public subscript(row: Int, column: Int) -> Int32 { codes[row * width + column] }
}

/// Largest grid side accepted from a meta text (a 720×720 image is 90×90; this only guards
/// against absurd values before any allocation).
public let maxImageGridSide = 4096

extension TextTokenizer {
    /// The ids of the meta text and markers that open an image: `<|image start|> "h*w" <|image token|>`
    /// (what a generation prompt ends with, spec §5.3).
    /// - Throws: ``TextTokenizerError/missingSpecialToken(name:)``, or `invalidGridShape` for sides < 1.
    public func imagePrefixTokens(height: Int, width: Int) throws -> [Int32] {
        let special = try specialTokens()
        guard height >= 1, width >= 1 else {
            throw TextTokenizerError.invalidGridShape(height: height, width: width, codeCount: 0)
        }
        return [special.imageStart] + encode("\(height)*\(width)") + [special.imageToken]
    }

    /// The full token span of one image (spec §5.2).
    /// - Throws: ``TextTokenizerError/visualCodeOutOfRange(code:count:)`` for a code outside
    ///   the vocabulary's visual tokens, or `missingSpecialToken`.
    public func imageTokens(for grid: VisualCodeGrid) throws -> [Int32] {
        let special = try specialTokens()
        var ids = try imagePrefixTokens(height: grid.height, width: grid.width)
        ids.reserveCapacity(ids.count + grid.height * (grid.width + 1) + 2)
        for row in 0..<grid.height {
            for column in 0..<grid.width {
                ids.append(try special.visualTokenID(code: Int(grid[row, column])))
            }
            ids.append(special.eol)
        }
        ids.append(special.eof)
        ids.append(special.imageEnd)
        return ids
    }

    /// Parses one image span starting at `ids[start]` (which must be `<|image start|>`).
    /// - Returns: the grid and the index just after `<|image end|>`.
    /// - Throws: ``TextTokenizerError/malformedImageStream(_:)`` saying what is wrong and where;
    ///   `idOutOfVocabulary` for a bad id in the meta text.
    public func parseImage(_ ids: [Int32], from start: Int = 0) throws -> (grid: VisualCodeGrid, end: Int) {
        let special = try specialTokens()
        func fail(_ problem: ImageStreamProblem) -> TextTokenizerError { .malformedImageStream(problem) }
        var i = start
        guard i < ids.count, ids[i] == special.imageStart else {
            throw fail(.missingImageStart(found: i < ids.count ? ids[i] : nil))
        }
        i += 1
        let metaStart = i
        while i < ids.count && ids[i] != special.imageToken { i += 1 }
        guard i < ids.count else { throw fail(.missingImageToken) }
        let meta = try decode(ids[metaStart..<i])
        guard let (height, width) = parseMetaText(meta) else { throw fail(.unparsableMetaText(meta)) }
        i += 1

        var codes: [Int32] = []
        codes.reserveCapacity(height * width)
        var rows = 0
        while true {
            var column = 0
            while i < ids.count, let code = special.visualCode(id: ids[i]) {
                codes.append(Int32(code))
                column += 1
                i += 1
            }
            guard i < ids.count else {
                throw fail(column > 0 || rows == 0 ? .missingEndOfLine(row: rows) : .missingEndOfFrame)
            }
            let id = ids[i]
            if id == special.eol {
                guard column == width else { throw fail(.wrongRowLength(row: rows, expected: width, found: column)) }
                rows += 1
                i += 1
            } else if id == special.eof {
                guard column == 0 else { throw fail(.missingEndOfLine(row: rows)) }
                break
            } else {
                throw fail(.nonVisualTokenInRow(row: rows, column: column, id: id, at: i))
            }
        }
        guard rows == height else { throw fail(.wrongRowCount(expected: height, found: rows)) }
        i += 1  // EOF
        guard i < ids.count, ids[i] == special.imageEnd else {
            throw fail(.missingImageEnd(found: i < ids.count ? ids[i] : nil))
        }
        return (try VisualCodeGrid(height: height, width: width, codes: codes), i + 1)
    }

    /// Parses ids that must be exactly one image span.
    /// - Throws: as ``parseImage(_:from:)``, and `trailingTokens` when ids remain after it.
    public func parseImageStream(_ ids: [Int32]) throws -> VisualCodeGrid {
        let (grid, end) = try parseImage(ids)
        guard end == ids.count else { throw TextTokenizerError.malformedImageStream(.trailingTokens(count: ids.count - end)) }
        return grid
    }
}

/// "h*w" with decimal sides in 1...maxImageGridSide (no signs, spaces or leading "+").
func parseMetaText(_ text: String) -> (Int, Int)? {
    let parts = text.split(separator: "*", omittingEmptySubsequences: false)
    guard parts.count == 2 else { return nil }
    var sides: [Int] = []
    for part in parts {
        guard !part.isEmpty, part.count <= 6, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let value = Int(part), value >= 1, value <= maxImageGridSide else { return nil }
        sides.append(value)
    }
    return (sides[0], sides[1])
}
