// Loads a tiktoken rank file (`qwen.tiktoken`, `emu3.tiktoken`; spec §7.1): one line per token,
// `base64(bytes) SPACE rank`, token id = rank, ranks 0..<n each once. Special tokens follow
// with ids n, n+1, … in the order given (spec §7.1: the Qwen specials, the 205 extras, then the
// lines of `emu3_vision_tokens.txt`).

import Foundation

/// The Emu3 special-token layout (spec §5.1/§7.1), as names; ids come from their position.
public enum Emu3Layout {
    /// `<|endoftext|>`, `<|im_start|>`, `<|im_end|>`, `<|extra_0|>`…`<|extra_204|>`.
    public static let qwenSpecialNames: [String] =
        ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] + (0..<205).map { "<|extra_\($0)|>" }

    /// The contents of `emu3_vision_tokens.txt`: `<|image token|>`, `<|image start|>`,
    /// `<|image end|>`, then `<|visual token 000000|>`… (`visualTokenCount` of them).
    public static func visionTokenNames(visualTokenCount: Int = releasedVisualTokenCount) -> [String] {
        ["<|image token|>", "<|image start|>", "<|image end|>"] + (0..<visualTokenCount).map(visualTokenName)
    }

    /// All specials in id order: 3 + 205 + 3 + 32,768 for the released Emu3 (vocabulary 184,622).
    public static func specialNames(visualTokenCount: Int = releasedVisualTokenCount) -> [String] {
        visualTokenCount == releasedVisualTokenCount
            ? releasedSpecialNames : qwenSpecialNames + visionTokenNames(visualTokenCount: visualTokenCount)
    }

    /// Visual tokens of the released Emu3 (the VQ codebook size, spec §5.1).
    public static let releasedVisualTokenCount = 32768

    /// Built once per process: 33 k strings cost ~10 ms, a visible part of a load.
    private static let releasedSpecialNames =
        qwenSpecialNames + visionTokenNames(visualTokenCount: releasedVisualTokenCount)

    /// `<|visual token %06d|>`.
    public static func visualTokenName(_ code: Int) -> String {
        let digits = String(code)
        return "<|visual token " + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "|>"
    }
}

enum TiktokenLoader {
    /// Reads `path` (rank file) and appends `specialNames` as specials.
    static func load(path: String, specialNames: [String], normalization: TextNormalization) throws -> Vocabulary {
        let data = try readFile(path)
        var storage: [UInt8] = []
        storage.reserveCapacity(data.count)
        var rankOfLine: [Int] = []
        var starts: [Int] = []
        let base64 = base64Values
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let p = raw.bindMemory(to: UInt8.self)
            var i = 0
            var line = 0
            while i < p.count {
                line += 1
                var eol = i
                while eol < p.count && p[eol] != 0x0A { eol += 1 }
                var lineEnd = eol
                if lineEnd > i && p[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                defer { i = eol + 1 }
                if lineEnd == i { continue }  // blank line (e.g. a trailing newline)
                var space = i
                while space < lineEnd && p[space] != 0x20 { space += 1 }
                guard space < lineEnd else { throw malformed(path, line, "expected `base64 rank`") }
                starts.append(storage.count)
                guard decodeBase64(p, i, space, base64, into: &storage), storage.count > starts.last! else {
                    throw malformed(path, line, "invalid base64 token")
                }
                var rank = 0
                var j = space + 1
                guard j < lineEnd else { throw malformed(path, line, "missing rank") }
                while j < lineEnd {
                    let d = Int(p[j]) - 48
                    guard d >= 0 && d <= 9 && rank < 100_000_000 else { throw malformed(path, line, "invalid rank") }
                    rank = rank * 10 + d
                    j += 1
                }
                rankOfLine.append(rank)
            }
        }
        let n = rankOfLine.count
        guard n >= 256 else { throw malformed(path, 0, "only \(n) ranks (the 256 single bytes are required)") }
        guard n + specialNames.count <= Int(ByteStringTable.maxValue) else {
            throw malformed(path, 0, "\(n) ranks: more than this engine supports (2^24)")
        }
        // Reorder into id (= rank) order; ranks must be exactly 0..<n.
        var lineOfRank = [Int](repeating: -1, count: n)
        for (lineIndex, rank) in rankOfLine.enumerated() {
            guard rank < n else { throw malformed(path, lineIndex + 1, "rank \(rank) is not below the count \(n)") }
            guard lineOfRank[rank] < 0 else {
                throw malformed(path, lineIndex + 1, "rank \(rank) repeats line \(lineOfRank[rank] + 1)")
            }
            lineOfRank[rank] = lineIndex
        }
        starts.append(storage.count)
        // Token bytes in id (= rank) order, then the specials' UTF-8, in one buffer: the rank
        // table indexes its first n entries (one copy of the 1 MB instead of three).
        var ordered: [UInt8]
        var offsets: [Int]
        if rankOfLine.elementsEqual(0..<n) {
            ordered = storage  // the usual layout: ranks in line order
            storage = []  // drop the second reference so appending does not copy
            offsets = starts
        } else {
            ordered = []
            ordered.reserveCapacity(storage.count)
            offsets = [0]
            offsets.reserveCapacity(n + specialNames.count + 1)
            for rank in 0..<n {
                let line = lineOfRank[rank]
                ordered += storage[starts[line]..<starts[line + 1]]
                offsets.append(ordered.count)
            }
        }
        var added: [AddedToken] = []
        added.reserveCapacity(specialNames.count)
        for (k, name) in specialNames.enumerated() {
            guard !name.isEmpty else { throw malformed(path, 0, "special token #\(k) is empty") }
            added.append(AddedToken(content: name, id: Int32(n + k), special: true))
            ordered += name.utf8
            offsets.append(ordered.count)
        }
        let tokenBytes = TokenBytes(storage: ordered, offsets: offsets)
        let ranks = ByteStringTable(keys: tokenBytes, values: (0..<UInt32(n)).map { $0 })
        if let rank = ranks.firstDuplicate {
            throw malformed(path, lineOfRank[rank] + 1, "token bytes repeat another line")
        }
        var byteIDs = [UInt32](repeating: UInt32.max, count: 256)
        for b in 0..<256 {
            var byte = UInt8(b)
            guard let id = ranks.lookup(&byte, 1) else { throw malformed(path, 0, "byte \(b) has no token") }
            byteIDs[b] = id
        }
        let size = n + specialNames.count
        let vocabulary = Vocabulary(
            source: .tiktoken(path: path), tokenBytes: tokenBytes,
            present: [Bool](repeating: true, count: size),
            special: [Bool](repeating: false, count: n) + [Bool](repeating: true, count: specialNames.count),
            byteIDs: byteIDs, rules: .ranks(ranks, BytePairs { a, b in
                var pair = (a, b)
                return withUnsafeBytes(of: &pair) { raw in
                    ranks.lookup(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), 2).map { ($0, $0) }
                }
            }), wholePiece: ranks, added: added, pattern: .qwen,
            addPrefixSpace: false, normalization: normalization)
        if let k = vocabulary.addedMatcher.table.firstDuplicate {
            throw malformed(path, 0, "special token \"\(specialNames[k])\" is repeated")
        }
        return vocabulary
    }

    /// Reads the names of `emu3_vision_tokens.txt` (one per line, blank lines ignored).
    static func readNames(path: String) throws -> [String] {
        let data = try readFile(path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw TextTokenizerError.malformedVocabulary(path: path, line: 0, reason: "not UTF-8")
        }
        return text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
    }

    private static func malformed(_ path: String, _ line: Int, _ reason: String) -> TextTokenizerError {
        .malformedVocabulary(path: path, line: line, reason: reason)
    }

    private static let base64Values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (k, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(c)] = Int8(k)
        }
        return table
    }()

    /// Decodes standard base64 (with `=` padding) of `p[start..<end]`, appending to `out`.
    private static func decodeBase64(
        _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ values: [Int8], into out: inout [UInt8]
    ) -> Bool {
        var stop = end
        var padding = 0
        while stop > start && p[stop - 1] == UInt8(ascii: "=") && padding < 2 {
            stop -= 1
            padding += 1
        }
        guard (end - start) % 4 == 0 else { return false }
        var accumulator: UInt32 = 0
        var bits = 0
        for i in start..<stop {
            let v = values[Int(p[i])]
            if v < 0 { return false }
            accumulator = accumulator << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return true
    }
}

/// Reads a whole file, as a typed error when that fails.
func readFile(_ path: String) throws -> Data {
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
    } catch {
        throw TextTokenizerError.unreadableFile(path: path, reason: (error as NSError).localizedDescription)
    }
}
