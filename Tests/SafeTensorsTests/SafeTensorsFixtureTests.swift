// A file written by the reference implementation (Python safetensors 0.8.0 via torch;
// tools/make_safetensors_fixture.py) loads with the values that script puts in it.
import Foundation
import SafeTensors
import Testing

private let fixture = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/safetensors/small.safetensors")

@Suite("SafeTensors reference fixture")
struct SafeTensorsFixtureTests {
    @Test func pythonWrittenFileLoadsWithTheRightValues() throws {
        let file = try SafeTensorsFile(url: fixture)
        #expect(file.metadata == ["format": "pt"])
        #expect(Set(file.tensorNames) == ["f32", "f16", "bf16", "i64", "u8", "flag", "empty"])

        #expect(try file.info("f32").shape == [2, 3])
        #expect(try file.floats("f32") == (0..<6).map { Float($0) * 0.25 - 0.5 })
        #expect(try file.info("f16").dtype == .f16)
        #expect(try file.floats("f16") == [1.0, -2.5, 65504.0, 6.103515625e-05])
        #expect(try file.info("bf16") == TensorInfo(dtype: .bf16, shape: [2, 2], byteCount: 8, dataRange: try file.info("bf16").dataRange))
        #expect(try file.floats("bf16") == [1.0, -0.0078125, 3.140625, -448.0])

        let int64s = try file.withRawBytes("i64") { bytes in
            (0..<3).map { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
        }
        #expect(int64s == [-1, 0, 1 << 40])
        #expect(try file.withRawBytes("u8") { Array($0) } == [0, 1, 127, 128, 255])
        #expect(try file.withRawBytes("flag") { Array($0) } == [1, 0])
        #expect(try file.info("empty") == TensorInfo(dtype: .f32, shape: [2, 0], byteCount: 0, dataRange: try file.info("empty").dataRange))
        #expect(try file.floats("empty") == [])
        // The reference writer pads the header to 8 bytes, so every tensor is aligned.
        #expect(file.headerSize % 8 == 0)
        for name in file.tensorNames { #expect(try file.isAligned(name)) }
    }

    @Test func ourWriterMatchesTheReferenceLayoutRules() throws {
        // Re-writing the fixture's tensors in its own offset order gives a file our reader
        // accepts with identical infos (the header text may differ: key order, spacing).
        let reference = try SafeTensorsFile(url: fixture)
        let tensors = try reference.tensorNames.map { name in
            let info = try reference.info(name)
            return SafeTensorsWriter.Tensor(
                name: name, dtype: info.dtype, shape: info.shape, bytes: try reference.withRawBytes(name) { Array($0) })
        }
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("copy.safetensors")
            try SafeTensorsWriter.write(tensors, metadata: reference.metadata, to: url)
            let copy = try SafeTensorsFile(url: url)
            #expect(copy.tensorNames == reference.tensorNames)
            for name in reference.tensorNames { #expect(try copy.info(name) == reference.info(name)) }
            let referenceSize = try FileManager.default.attributesOfItem(atPath: fixture.path)[.size] as? Int
            let copySize = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
            #expect(copySize.map { $0 - 8 - copy.headerSize } == referenceSize.map { $0 - 8 - reference.headerSize })
        }
    }
}
