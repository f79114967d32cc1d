// Loads a HF `tokenizer.json` holding a byte-level BPE (spec §7.5; our own small models):
// `model` {type BPE, vocab, merges as "a b" strings or [a, b] arrays, ignore_merges},
// `added_tokens` (with ids), `normalizer` (none or NFC), `pre_tokenizer` (ByteLevel with the
// GPT-2 regex, or a Split on a known regex followed by ByteLevel without regex), `decoder`
// (ByteLevel). Anything else is rejected with `unsupportedTokenizer` rather than approximated.
// The post-processor is ignored: this engine never adds BOS/EOS by itself (spec §7.2 step 5).

import Foundation

enum TokenizerJSONLoader {
    static func load(path: String, normalization override: TextNormalization?) throws -> Vocabulary {
        let data = try readFile(path)
        let parsed: Result<JSONValue, JSONSyntaxError> = data.withUnsafeBytes { raw in
            Result { () throws(JSONSyntaxError) in try JSONParser.parse(raw.bindMemory(to: UInt8.self)) }
        }
        let root: JSONValue
        switch parsed {
        case .success(let value): root = value
        case .failure(let error):
            throw TextTokenizerError.malformedVocabulary(path: path, line: error.line, reason: error.message)
        }
        let reader = Reader(path: path)
        guard let model = root["model"] else { throw reader.malformed(root, "no \"model\"") }
        try reader.checkModel(model)

        // Vocabulary: token string (its UTF-8) → id. A ByteStringTable rather than a
        // [String: UInt32]: ~450 k look-ups for a full-size file, and String hashing is slow.
        guard let vocabMembers = model["vocab"]?.members else { throw reader.malformed(model, "\"model.vocab\" is not an object") }
        var names: [UInt8] = []
        var nameOffsets = [0]
        var vocabIDs: [UInt32] = []
        vocabIDs.reserveCapacity(vocabMembers.count)
        nameOffsets.reserveCapacity(vocabMembers.count + 1)
        for (token, value) in vocabMembers {
            guard let id = value.int, id >= 0, id <= Int(ByteStringTable.maxValue) else {
                throw reader.malformed(value, "id of \"\(token)\" is not a valid id (0..<2^24)")
            }
            names += token.utf8
            nameOffsets.append(names.count)
            vocabIDs.append(UInt32(id))
        }
        let nameBytes = TokenBytes(storage: names, offsets: nameOffsets)
        let idOfName = ByteStringTable(keys: nameBytes, values: vocabIDs)
        if let k = idOfName.firstDuplicate {
            throw reader.malformed(vocabMembers[k].value, "token \"\(vocabMembers[k].key)\" appears twice in \"model.vocab\"")
        }
        func id(_ token: String) -> UInt32? {
            var token = token
            return token.withUTF8 { utf8 in utf8.baseAddress.flatMap { idOfName.lookup($0, utf8.count) } }
        }

        // Added tokens (they may reuse a vocab id).
        var added: [AddedToken] = []
        var addedBytes: [Int: [UInt8]] = [:]
        for entry in root["added_tokens"]?.array ?? [] {
            guard let id = entry["id"]?.int, id >= 0, id <= Int(ByteStringTable.maxValue),
                  let content = entry["content"]?.string, !content.isEmpty
            else { throw reader.malformed(entry, "an added token needs an \"id\" and a non-empty \"content\"") }
            for flag in ["single_word", "lstrip", "rstrip"] where entry[flag]?.bool == true {
                throw TextTokenizerError.unsupportedTokenizer(path: path, feature: "added token flag \(flag) (line \(entry.line))")
            }
            added.append(AddedToken(content: content, id: Int32(id), special: entry["special"]?.bool ?? false))
            // HF decodes an added token through the ByteLevel decoder: its scalars map to bytes
            // when all of them are in the alphabet, else its UTF-8 is used.
            addedBytes[id] = ByteLevelAlphabet.bytes(of: content) ?? Array(content.utf8)
        }

        // Merges, in priority order.
        guard let mergeValues = model["merges"]?.array else { throw reader.malformed(model, "\"model.merges\" is not an array") }
        var merges: [(left: UInt32, right: UInt32, merged: UInt32)] = []
        merges.reserveCapacity(mergeValues.count)
        for value in mergeValues {
            let pair: [String]
            if let s = value.string {
                pair = s.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else if let a = value.array {
                pair = a.compactMap(\.string)
                guard pair.count == a.count else { throw reader.malformed(value, "a merge must hold two strings") }
            } else {
                throw reader.malformed(value, "a merge must be \"a b\" or [\"a\", \"b\"]")
            }
            guard pair.count == 2 else { throw reader.malformed(value, "a merge must have exactly two parts") }
            guard let left = id(pair[0]), let right = id(pair[1]), let merged = id(pair[0] + pair[1]) else {
                throw reader.malformed(value, "merge \"\(pair[0]) \(pair[1])\" uses a token missing from the vocabulary")
            }
            merges.append((left, right, merged))
        }

        // Single bytes: the 256 scalars of the byte-level alphabet must all be tokens.
        var byteIDs = [UInt32](repeating: 0, count: 256)
        for b in 0..<256 {
            let name = String(Unicode.Scalar(ByteLevelAlphabet.scalarOfByte[b])!)
            guard let id = id(name) else {
                throw reader.malformed(model, "byte \(b) (\"\(name)\") has no token: not a byte-level vocabulary")
            }
            byteIDs[b] = id
        }

        // Decoded bytes of every id (an added token's bytes win over a vocab entry's).
        let size = max(Int(vocabIDs.max() ?? 0), added.map { Int($0.id) }.max() ?? 0) + 1
        var entryOfID = [Int32](repeating: -1, count: size)
        for (entry, id) in vocabIDs.enumerated() {
            guard entryOfID[Int(id)] < 0 else {
                throw reader.malformed(vocabMembers[entry].value, "id \(id) is used twice in \"model.vocab\"")
            }
            entryOfID[Int(id)] = Int32(entry)
        }
        var storage: [UInt8] = []
        storage.reserveCapacity(names.count)
        var offsets = [0]
        offsets.reserveCapacity(size + 1)
        var present = [Bool](repeating: false, count: size)
        var special = [Bool](repeating: false, count: size)
        for token in added where token.special { special[Int(token.id)] = true }
        for id in 0..<size {
            if let bytes = addedBytes[id] {
                storage += bytes
                present[id] = true
            } else if entryOfID[id] >= 0 {
                let entry = Int(entryOfID[id])
                storage += ByteLevelAlphabet.bytes(of: vocabMembers[entry].key) ?? nameBytes.array(entry)
                present[id] = true
            }
            offsets.append(storage.count)
        }
        let tokenBytes = TokenBytes(storage: storage, offsets: offsets)

        var wholePiece: ByteStringTable?
        if model["ignore_merges"]?.bool == true {
            // Only model tokens count here (HF looks the word up in `model.vocab`).
            var keys: [UInt8] = []
            var keyOffsets = [0]
            for entry in 0..<vocabIDs.count {
                keys += ByteLevelAlphabet.bytes(of: vocabMembers[entry].key) ?? nameBytes.array(entry)
                keyOffsets.append(keys.count)
            }
            wholePiece = ByteStringTable(keys: TokenBytes(storage: keys, offsets: keyOffsets), values: vocabIDs)
        }
        let (pattern, addPrefixSpace) = try reader.preTokenizer(root["pre_tokenizer"])
        let normalization = try override ?? reader.normalizer(root["normalizer"])
        let mergeTable = PairMergeTable(merges: merges)
        try reader.checkDecoder(root["decoder"])
        return Vocabulary(
            source: .tokenizerJSON(path: path), tokenBytes: tokenBytes, present: present, special: special,
            byteIDs: byteIDs, rules: .pairs(mergeTable, BytePairs { a, b in
                mergeTable.lookup(byteIDs[Int(a)], byteIDs[Int(b)])
                    .map { (UInt32(truncatingIfNeeded: $0 >> 32), UInt32(truncatingIfNeeded: $0)) }
            }), wholePiece: wholePiece, added: added,
            pattern: pattern, addPrefixSpace: addPrefixSpace, normalization: normalization)
    }
}

/// Checks of the parts of tokenizer.json, with errors naming the file and line.
private struct Reader {
    let path: String

    func malformed(_ value: JSONValue, _ reason: String) -> TextTokenizerError {
        .malformedVocabulary(path: path, line: value.line, reason: reason)
    }

    func unsupported(_ value: JSONValue?, _ feature: String) -> TextTokenizerError {
        .unsupportedTokenizer(path: path, feature: value.map { "\(feature) (line \($0.line))" } ?? feature)
    }

    func checkModel(_ model: JSONValue) throws {
        if let type = model["type"]?.string, type != "BPE" { throw unsupported(model, "model type \(type)") }
        if let dropout = model["dropout"], !dropout.isNull, case .number(let d) = dropout.kind, d > 0 {
            throw unsupported(dropout, "BPE dropout")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let v = model[key], !v.isNull, v.string != "" { throw unsupported(v, "BPE \(key)") }
        }
        if let v = model["byte_fallback"], v.bool == true { throw unsupported(v, "BPE byte_fallback") }
    }

    /// The pattern and `add_prefix_space` a pre_tokenizer declares.
    func preTokenizer(_ value: JSONValue?) throws -> (PreTokenizerPattern, Bool) {
        guard let value, !value.isNull else { throw unsupported(value, "missing pre_tokenizer (not byte-level)") }
        switch value["type"]?.string {
        case "ByteLevel":
            guard value["use_regex"]?.bool ?? true else {
                throw unsupported(value, "ByteLevel pre_tokenizer without a regex and without a Split before it")
            }
            return (.gpt2, value["add_prefix_space"]?.bool ?? false)
        case "Sequence":
            let steps = value["pretokenizers"]?.array ?? []
            if steps.count == 1 { return try preTokenizer(steps[0]) }
            guard steps.count == 2, steps[0]["type"]?.string == "Split", steps[1]["type"]?.string == "ByteLevel" else {
                throw unsupported(value, "pre_tokenizer Sequence other than [Split, ByteLevel]")
            }
            let split = steps[0], byteLevel = steps[1]
            guard byteLevel["use_regex"]?.bool == false, byteLevel["add_prefix_space"]?.bool != true else {
                throw unsupported(byteLevel, "ByteLevel after Split with use_regex or add_prefix_space")
            }
            guard split["invert"]?.bool != true, (split["behavior"]?.string ?? "Isolated").lowercased() == "isolated"
            else { throw unsupported(split, "Split behavior other than Isolated") }
            guard let regex = split["pattern"]?["Regex"]?.string else {
                throw unsupported(split, "Split pattern that is not a Regex")
            }
            guard let pattern = PreTokenizerPattern.allCases.first(where: { $0.regex == regex }) else {
                throw unsupported(split, "Split regex \(regex) (known: the Qwen and GPT-2 patterns)")
            }
            return (pattern, false)
        default:
            throw unsupported(value, "pre_tokenizer type \(value["type"]?.string ?? "?")")
        }
    }

    func normalizer(_ value: JSONValue?) throws -> TextNormalization {
        guard let value, !value.isNull else { return .none }
        switch value["type"]?.string {
        case "NFC":
            return .nfc
        case "Sequence":
            let steps = value["normalizers"]?.array ?? []
            let kinds = try steps.map { try normalizer($0) }
            return kinds.contains(.nfc) ? .nfc : .none
        default:
            throw unsupported(value, "normalizer type \(value["type"]?.string ?? "?")")
        }
    }

    func checkDecoder(_ value: JSONValue?) throws {
        guard let value, !value.isNull else { return }
        guard value["type"]?.string == "ByteLevel" else {
            throw unsupported(value, "decoder type \(value["type"]?.string ?? "?")")
        }
    }
}
