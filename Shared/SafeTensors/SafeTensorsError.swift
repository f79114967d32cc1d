// Errors of the safetensors reader. The first group mirrors the reference crate's
// SafeTensorError (safetensors/src/tensor.rs) so RELIABILITY.md §7 E1–E8 map one to one;
// the rest are our stricter checks (§3.2 proposals) and checkpoint-level problems.

/// Why a safetensors file, checkpoint or tensor request was rejected. `file` is a path.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    // MARK: Opening
    /// The file could not be opened, stat'ed or mapped.
    case cannotOpen(file: String, reason: String)

    // MARK: Header (the reference crate's checks, rules 1–7)
    /// The file is shorter than the 8-byte header length.
    case headerTooSmall(file: String, fileSize: Int)
    /// The header length N exceeds 100,000,000 bytes.
    case headerTooLarge(file: String, headerSize: UInt64)
    /// 8 + N runs past the end of the file.
    case invalidHeaderLength(file: String, headerSize: UInt64, fileSize: Int)
    /// The header is not valid UTF-8.
    case invalidHeader(file: String)
    /// The header is not a JSON object of the expected form.
    case invalidHeaderDeserialization(file: String, reason: String)
    /// A key appears twice in one JSON object (for the top level: a duplicate tensor name).
    case duplicateKey(file: String, key: String)
    /// A tensor's dtype is not one of `SafeTensorsDType`.
    case unknownDType(file: String, name: String, dtype: String)
    /// A tensor has more than `SafeTensorsFile.maxRank` dimensions.
    case rankTooLarge(file: String, name: String, rank: Int)
    /// The element count or byte size of a tensor overflows.
    case validationOverflow(file: String, name: String)
    /// `data_offsets` length differs from `product(shape) × dtype size`.
    case tensorInvalidInfo(file: String, name: String, expectedBytes: Int, actualBytes: Int)
    /// Offsets are not sorted and contiguous from 0 (a gap, an overlap, end < start, or an
    /// offset no file can hold).
    case invalidOffset(file: String, name: String)
    /// The data section is not exactly as long as the last tensor's end (trailing bytes, or
    /// a truncated file).
    case metadataIncompleteBuffer(file: String, expectedFileSize: Int, fileSize: Int)

    // MARK: Tensor requests
    case tensorNotFound(name: String)
    case dtypeMismatch(name: String, expected: [SafeTensorsDType], actual: SafeTensorsDType)
    case shapeMismatch(name: String, expected: [Int], actual: [Int])
    /// A checkpoint lacks tensors a model requires.
    case missingTensors(names: [String])
    /// A checkpoint holds tensors a model does not know.
    case unexpectedTensors(names: [String])
    /// `floats(_:)` only converts F32, F16 and BF16.
    case unsupportedConversion(name: String, dtype: SafeTensorsDType)

    // MARK: Sharded checkpoints
    /// Neither `model.safetensors.index.json` nor `model.safetensors` is in the directory.
    case noCheckpoint(directory: String)
    /// The index file is malformed (not JSON, no `weight_map`, a shard name that is a path...).
    case invalidIndex(file: String, reason: String)
    /// The index maps `name` to `shard`, but the shard does not hold it.
    case tensorMissingFromShard(name: String, shard: String)
    /// A shard holds `name` but the index maps it to another shard (or it is in two shards).
    case tensorInTwoShards(name: String, shards: [String])
    /// A shard holds a tensor the index does not list.
    case tensorNotInIndex(name: String, shard: String)

    // MARK: Writing
    case invalidTensorForWriting(name: String, reason: String)
    case cannotWrite(file: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason): "\(file): cannot open: \(reason)"
        case .headerTooSmall(let file, let size): "\(file): \(size) bytes is too small for a safetensors header"
        case .headerTooLarge(let file, let n): "\(file): header length \(n) exceeds the 100,000,000-byte limit"
        case .invalidHeaderLength(let file, let n, let size):
            "\(file): header length \(n) runs past the end of the \(size)-byte file"
        case .invalidHeader(let file): "\(file): header is not valid UTF-8"
        case .invalidHeaderDeserialization(let file, let reason): "\(file): bad header JSON: \(reason)"
        case .duplicateKey(let file, let key): "\(file): key '\(key)' appears twice in the header"
        case .unknownDType(let file, let name, let dtype): "\(file): tensor '\(name)' has unknown dtype '\(dtype)'"
        case .rankTooLarge(let file, let name, let rank):
            "\(file): tensor '\(name)' has rank \(rank) (at most \(SafeTensorsFile.maxRank))"
        case .validationOverflow(let file, let name): "\(file): size of tensor '\(name)' overflows"
        case .tensorInvalidInfo(let file, let name, let expected, let actual):
            "\(file): tensor '\(name)' shape and dtype need \(expected) bytes but its offsets span \(actual)"
        case .invalidOffset(let file, let name):
            "\(file): data_offsets of tensor '\(name)' are not contiguous (gap, overlap or end < start)"
        case .metadataIncompleteBuffer(let file, let expected, let size):
            "\(file): file is \(size) bytes but its header describes \(expected)"
        case .tensorNotFound(let name): "no tensor named '\(name)'"
        case .dtypeMismatch(let name, let expected, let actual):
            "tensor '\(name)' is \(actual), expected \(expected.map(\.rawValue).joined(separator: " or "))"
        case .shapeMismatch(let name, let expected, let actual): "tensor '\(name)' has shape \(actual), expected \(expected)"
        case .missingTensors(let names): "missing tensors: \(Self.list(names))"
        case .unexpectedTensors(let names): "unexpected tensors: \(Self.list(names))"
        case .unsupportedConversion(let name, let dtype): "tensor '\(name)' is \(dtype); only F32, F16 and BF16 convert to Float"
        case .noCheckpoint(let directory):
            "\(directory): neither model.safetensors.index.json nor model.safetensors found"
        case .invalidIndex(let file, let reason): "\(file): bad checkpoint index: \(reason)"
        case .tensorMissingFromShard(let name, let shard): "index maps '\(name)' to \(shard), which does not hold it"
        case .tensorInTwoShards(let name, let shards): "tensor '\(name)' is in more than one shard: \(shards)"
        case .tensorNotInIndex(let name, let shard): "shard \(shard) holds '\(name)', which the index does not list"
        case .invalidTensorForWriting(let name, let reason): "cannot write tensor '\(name)': \(reason)"
        case .cannotWrite(let file, let reason): "\(file): cannot write: \(reason)"
        }
    }

    private static func list(_ names: [String]) -> String {
        names.count <= 10 ? names.joined(separator: ", ") : names.prefix(10).joined(separator: ", ") + " and \(names.count - 10) more"
    }
}
