// Valid files, tensor access, conversions, alignment and the writer (RELIABILITY.md §7 E6–E8, E10).
import Foundation
import SafeTensors
import Testing

@Suite("SafeTensors files")
struct SafeTensorsFileTests {
    // MARK: - E8: valid files

    @Test func aValidTwoTensorFileLoads() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("two.safetensors")
            try SafeTensorsWriter.write(
                [.f32("a", shape: [2, 2], [1, 2, 3, 4]),
                 SafeTensorsWriter.Tensor(name: "b", dtype: .u8, shape: [3], bytes: [7, 8, 9])],
                metadata: ["format": "pt"], to: url)
            let file = try SafeTensorsFile(url: url)
            #expect(file.tensorNames == ["a", "b"])
            #expect(file.metadata == ["format": "pt"])
            #expect(try file.info("a") == TensorInfo(dtype: .f32, shape: [2, 2], byteCount: 16, dataRange: 0..<16))
            #expect(try file.info("b").elementCount == 3)
            #expect(try file.floats("a") == [1, 2, 3, 4])
            #expect(try file.withRawBytes("b") { Array($0) } == [7, 8, 9])
            #expect(file.headerSize % 8 == 0)
            #expect(throws: SafeTensorsError.tensorNotFound(name: "c")) { try file.info("c") }
        }
    }

    @Test func zeroSizeTensorsAndScalarsLoad() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("z.safetensors")
            try SafeTensorsWriter.write(
                [SafeTensorsWriter.Tensor(name: "empty", dtype: .f32, shape: [2, 0], bytes: []),
                 .f32("scalar", shape: [], [42]),
                 SafeTensorsWriter.Tensor(name: "also-empty", dtype: .bf16, shape: [0], bytes: [])],
                to: url)
            let file = try SafeTensorsFile(url: url)
            #expect(try file.info("empty") == TensorInfo(dtype: .f32, shape: [2, 0], byteCount: 0, dataRange: 0..<0))
            #expect(try file.floats("empty") == [])
            #expect(try file.floats("also-empty") == [])
            #expect(try file.withRawBytes("empty") { $0.count } == 0)
            #expect(try file.floats("scalar") == [42])
            #expect(try file.info("scalar").elementCount == 1)
        }
    }

    @Test func anEmptyHeaderIsAValidEmptyFile() throws {
        #expect(try openOutcome(rawFile(header: "{}")) == "ok")
    }

    // MARK: - Conversions

    @Test func bf16ConvertsExactly() throws {
        let bits: [UInt16] = [0x3F80, 0xC000, 0x0000, 0x8000, 0x7F80, 0xFF80, 0x0001, 0x4049, 0x3C23]
        let expected: [Float] = [1, -2, 0, -0.0, .infinity, -.infinity, Float(bitPattern: 0x0001_0000), 3.140625, 163.0 / 16384]
        let values = try floats(dtype: .bf16, bits: bits)
        #expect(values.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(try floats(dtype: .bf16, bits: [0x7FC0])[0].isNaN)
    }

    @Test func f16ConvertsExactly() throws {
        let bits: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x0400, 0x7C00, 0xFC00, 0x8000, 0x3555]
        let expected: [Float] = [1, -2, 65504, 5.9604644775390625e-08, 6.103515625e-05, .infinity, -.infinity, -0.0, 0.333251953125]
        let values = try floats(dtype: .f16, bits: bits)
        #expect(values.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(try floats(dtype: .f16, bits: [0x7E00])[0].isNaN)
    }

    @Test func f32KeepsEveryBitPattern() throws {
        let values: [Float] = [1, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity, 0.1]
        try withTemporaryDirectory { directory in
            let url = try write(SafeTensorsWriter.serialize([.f32("x", shape: [6], values)]), "x.safetensors", in: directory)
            #expect(try SafeTensorsFile(url: url).floats("x").map(\.bitPattern) == values.map(\.bitPattern))
        }
    }

    @Test func integerTensorsDoNotConvertToFloat() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("i.safetensors")
            try SafeTensorsWriter.write([SafeTensorsWriter.Tensor(name: "i", dtype: .i32, shape: [1], bytes: [1, 0, 0, 0])], to: url)
            #expect(throws: SafeTensorsError.unsupportedConversion(name: "i", dtype: .i32)) {
                try SafeTensorsFile(url: url).floats("i")
            }
        }
    }

    // MARK: - E7: alignment

    @Test func misalignedDataIsCopiedNeverLoadedInPlace() throws {
        // A header of 8k + 2 bytes puts the data at an odd-by-2 offset: F32 is misaligned.
        var header = "{" + entry("x", "F32", [3], 0, 12) + "}"
        while (header.utf8.count + 8) % 4 != 2 { header += " " }
        let values: [Float] = [1.5, -2.25, 1e-30]
        try withTemporaryDirectory { directory in
            let url = try write(rawFile(header: header, data: f32Bytes(values)), "m.safetensors", in: directory)
            let file = try SafeTensorsFile(url: url)
            #expect(try !file.isAligned("x"))
            #expect(try file.floats("x") == values)
            let (aligned, copied) = try file.withAlignedRawBytes("x") { bytes in
                (UInt(bitPattern: bytes.baseAddress!) % 4 == 0, Array(bytes.bindMemory(to: Float.self)))
            }
            #expect(aligned)
            #expect(copied == values)
        }
    }

    @Test func writerOutputIsAlignedAndZeroCopy() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("a.safetensors")
            try SafeTensorsWriter.write([.f32("x", shape: [2], [1, 2])], metadata: ["k": "v"], to: url)
            let file = try SafeTensorsFile(url: url)
            #expect(try file.isAligned("x"))
            let inPlace = try file.withRawBytes("x") { $0.baseAddress }
            let viaAligned = try file.withAlignedRawBytes("x") { $0.baseAddress }
            #expect(inPlace == viaAligned)
        }
    }

    // MARK: - E6: checks against the model config

    @Test func requireChecksDTypeAndShape() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("r.safetensors")
            try SafeTensorsWriter.write([.f32("w", shape: [2, 3], [0, 0, 0, 0, 0, 0])], to: url)
            let file = try SafeTensorsFile(url: url)
            #expect(try file.require("w", shape: [2, 3], dtypes: [.f32, .bf16]).byteCount == 24)
            #expect(throws: SafeTensorsError.dtypeMismatch(name: "w", expected: [.bf16], actual: .f32)) {
                try file.require("w", shape: [2, 3], dtypes: [.bf16])
            }
            #expect(throws: SafeTensorsError.shapeMismatch(name: "w", expected: [3, 2], actual: [2, 3])) {
                try file.require("w", shape: [3, 2], dtypes: [.f32])
            }
            #expect(throws: SafeTensorsError.tensorNotFound(name: "v")) {
                try file.require("v", shape: [1], dtypes: [.f32])
            }
            #expect(throws: SafeTensorsError.missingTensors(names: ["v"])) { try file.requireExactTensorNames(["w", "v"]) }
            #expect(throws: SafeTensorsError.unexpectedTensors(names: ["w"])) { try file.requireExactTensorNames([]) }
            try file.requireExactTensorNames(["w"])
        }
    }

    // MARK: - Writer

    @Test func writerRejectsInconsistentTensors() {
        let bad: [(SafeTensorsWriter.Tensor, String)] = [
            (SafeTensorsWriter.Tensor(name: "x", dtype: .f32, shape: [2], bytes: [0, 0, 0]), "byte count"),
            (SafeTensorsWriter.Tensor(name: "__metadata__", dtype: .u8, shape: [], bytes: [0]), "reserved name"),
            (SafeTensorsWriter.Tensor(name: "x", dtype: .u8, shape: [-1], bytes: []), "negative dimension"),
        ]
        for (tensor, why) in bad {
            #expect(throws: SafeTensorsError.self, "\(why)") { try SafeTensorsWriter.serialize([tensor]) }
        }
        #expect(throws: SafeTensorsError.invalidTensorForWriting(name: "x", reason: "duplicate name")) {
            try SafeTensorsWriter.serialize([.f32("x", shape: [], [1]), .f32("x", shape: [], [2])])
        }
    }

    @Test func namesAndMetadataWithSpecialCharactersRoundTrip() throws {
        let name = "a\"b\\c\n\u{1}é🙂/layers.0"
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("n.safetensors")
            try SafeTensorsWriter.write(tensors: [(name, .u8, [1], [5])], metadata: ["quote\"": "tab\t"], to: url)
            let file = try SafeTensorsFile(url: url)
            #expect(file.tensorNames == [name])
            #expect(file.metadata == ["quote\"": "tab\t"])
        }
    }

    // MARK: - E10: header-only work on a large sparse file

    @Test func aLargeSparseFileOpensWithoutReadingItsData() throws {
        // One F32 tensor of 5 GiB + 4 bytes (past 32-bit sizes); the file is sparse, so opening
        // must touch only the header pages.
        let count = (5 << 30) / 4 + 1
        let header = "{" + entry("big", "F32", [UInt64(count)], 0, UInt64(count * 4)) + "}"
        try withTemporaryDirectory { directory in
            let url = try write(rawFile(header: header), "big.safetensors", in: directory)
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(8 + header.utf8.count + count * 4))
            try handle.close()
            let file = try SafeTensorsFile(url: url)
            #expect(try file.info("big").byteCount == count * 4)
            #expect(try file.withRawBytes("big") { $0.loadUnaligned(fromByteOffset: $0.count - 4, as: UInt32.self) } == 0)
        }
    }
}

/// Writes one 16-bit tensor with `bits` and converts it with `floats`.
private func floats(dtype: SafeTensorsDType, bits: [UInt16]) throws -> [Float] {
    try withTemporaryDirectory { directory in
        let url = directory.appendingPathComponent("h.safetensors")
        try SafeTensorsWriter.write(
            [SafeTensorsWriter.Tensor(name: "h", dtype: dtype, shape: [bits.count], bytes: u16Bytes(bits))], to: url)
        return try SafeTensorsFile(url: url).floats("h")
    }
}
