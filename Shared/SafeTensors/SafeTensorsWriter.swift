// Writes spec-conformant safetensors files (for tests and tools): header keys in the given
// order, `__metadata__` first, tensors contiguous from offset 0 in the given order, and the
// header padded with spaces to a multiple of 8 so every tensor is 8-byte aligned in a mapping.
import Foundation

/// Builds safetensors files.
public enum SafeTensorsWriter {
    /// One tensor to write: little-endian, row-major bytes.
    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var dtype: SafeTensorsDType
        public var shape: [Int]
        public var bytes: [UInt8]

        public init(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// An F32 tensor from values.
        public static func f32(_ name: String, shape: [Int], _ values: [Float]) -> Tensor {
            Tensor(name: name, dtype: .f32, shape: shape,
                   bytes: values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        }
    }

    /// The complete file contents.
    /// - Throws: `.invalidTensorForWriting` for a duplicate or reserved name, a negative
    ///   dimension, a rank above `SafeTensorsFile.maxRank`, or a byte count that does not
    ///   match shape × dtype.
    public static func serialize(_ tensors: [Tensor], metadata: [String: String] = [:]) throws(SafeTensorsError) -> [UInt8] {
        var names = Set<String>()
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in tensors {
            func reject(_ reason: String) -> SafeTensorsError { .invalidTensorForWriting(name: tensor.name, reason: reason) }
            guard tensor.name != "__metadata__" else { throw reject("the name is reserved") }
            guard names.insert(tensor.name).inserted else { throw reject("duplicate name") }
            guard tensor.shape.count <= SafeTensorsFile.maxRank else { throw reject("rank \(tensor.shape.count)") }
            guard tensor.shape.allSatisfy({ $0 >= 0 }) else { throw reject("negative dimension in \(tensor.shape)") }
            var expected = tensor.dtype.byteSize
            for dimension in tensor.shape {
                let (product, overflow) = expected.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw reject("size overflows") }
                expected = product
            }
            guard expected == tensor.bytes.count else {
                throw reject("\(tensor.bytes.count) bytes given, shape \(tensor.shape) of \(tensor.dtype) needs \(expected)")
            }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(
                "\(jsonString(tensor.name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(offset),\(offset + expected)]}")
            offset += expected
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var file = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init)
        file.reserveCapacity(8 + header.count + offset)
        file.append(contentsOf: header)
        for tensor in tensors { file.append(contentsOf: tensor.bytes) }
        return file
    }

    /// Writes a file atomically (a temporary file renamed into place).
    /// - Throws: the errors of `serialize`, or `.cannotWrite`.
    public static func write(_ tensors: [Tensor], metadata: [String: String] = [:], to url: URL) throws(SafeTensorsError) {
        let bytes = try serialize(tensors, metadata: metadata)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw .cannotWrite(file: url.path, reason: "\(error)")
        }
    }

    /// Tuple form of `write(_:metadata:to:)`.
    public static func write(
        tensors: [(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8])],
        metadata: [String: String] = [:], to url: URL
    ) throws(SafeTensorsError) {
        try write(tensors.map { Tensor(name: $0.name, dtype: $0.dtype, shape: $0.shape, bytes: $0.bytes) },
                  metadata: metadata, to: url)
    }

    /// A JSON string literal (RFC 8259 escaping).
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
