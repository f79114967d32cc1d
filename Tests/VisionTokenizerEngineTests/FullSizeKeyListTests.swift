// The full-size key lists (495 tensors in each naming, spec §3.8) map onto the released model:
// a zero-filled full-size checkpoint (a sparse file, BF16) is generated and loaded for real.
import Foundation
import SafeTensors
import Testing
@testable import VisionTokenizerEngine

/// One line of EMU3_vq_keys_full_*.tsv: name, shape, torch dtype.
struct KeyListEntry {
    var name: String
    var shape: [Int]
    var isFloat: Bool

    static func load(_ naming: String) throws -> [KeyListEntry] {
        let url = Fixtures.vision.appendingPathComponent("keys/EMU3_vq_keys_full_\(naming).tsv")
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count == 3 else { throw CocoaError(.fileReadCorruptFile) }
            let dims = fields[1].trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",")
            return KeyListEntry(
                name: fields[0], shape: try dims.map { d in
                    guard let v = Int(d.trimmingCharacters(in: .whitespaces)) else { throw CocoaError(.fileReadCorruptFile) }
                    return v
                }, isFloat: fields[2] == "torch.float32")
        }
    }
}

/// Writes a safetensors header and extends the file to its full size without writing the
/// (all-zero) data, so the filesystem keeps it sparse.
func writeSparseSafeTensors(_ entries: [KeyListEntry], prefix: String, to url: URL) throws {
    var offset = 0
    var fields: [String] = []
    for e in entries {
        let dtype = e.isFloat ? "BF16" : "I64"
        let bytes = e.shape.reduce(1, *) * (e.isFloat ? 2 : 8)
        fields.append("\"\(prefix)\(e.name)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(e.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
        offset += bytes
    }
    var header = Array("{\(fields.joined(separator: ","))}".utf8)
    header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
    var file = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header
    guard FileManager.default.createFile(atPath: url.path, contents: Data(file)) else { throw CocoaError(.fileWriteUnknown) }
    file = []
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try handle.truncate(atOffset: UInt64(8 + header.count + offset))
}

@Suite(.serialized) struct FullSizeKeyListTests {
    @Test(arguments: [("original", ""), ("transformers", "model.vqmodel.")])
    func everyTensorOfTheFullSizeListLoads(naming: String, prefix: String) throws {
        let entries = try KeyListEntry.load(naming)
        #expect(entries.count == 495)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vq-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("model.safetensors")
        try writeSparseSafeTensors(entries, prefix: prefix, to: file)

        let store = try SafeTensorsCheckpoint(file: file)
        #expect(store.tensorNames.count == 495)
        // Every name maps to a canonical name the released model asks for, with its shape.
        let tokenizer = try VisionTokenizer(configuration: .released, weights: store)
        #expect(tokenizer.configuration.spatialFactor == 8)
        #expect(tokenizer.model.quantizer.codebook.count == 32768 * 4)
        // 270,740,287 parameters (spec §1.2) plus the running mean/var of 8 BatchNorms (buffers).
        let floats = entries.filter(\.isFloat).map { $0.shape.reduce(1, *) }.reduce(0, +)
        #expect(floats == 270_740_287 + 8 * 2 * 4)
    }

    @Test func transformersListIsTheOriginalListRenamed() throws {
        let original = try KeyListEntry.load("original"), transformers = try KeyListEntry.load("transformers")
        let renamed = Set(original.map { VQWeightNames.canonical($0.name) })
        #expect(renamed == Set(transformers.map(\.name)))
    }
}
