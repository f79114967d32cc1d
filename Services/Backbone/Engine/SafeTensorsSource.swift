import Foundation
import SafeTensors
import Tensor

/// A memory-mapped safetensors checkpoint (single file or sharded) as a `TensorSource`.
///
/// Weight views point straight into the read-only mapping (no copy, 16-bit types stay 16-bit).
/// The pointer leaves `withRawBytes`'s closure on purpose: every view holds the checkpoint
/// (which holds the mapping) as its owner, and the mapping never changes or moves while that
/// object lives. A tensor whose bytes are not aligned for its dtype (possible when a header
/// length is not a multiple of 8) is copied once into aligned memory instead.
public final class SafeTensorsSource: TensorSource {
    /// The checkpoint read.
    public let checkpoint: SafeTensorsCheckpoint

    /// Maps and validates the checkpoint in `directory` (`model.safetensors` or the index).
    /// - Throws: `BackboneError.weightsUnreadable` carrying the safetensors error (which
    ///   names the file and tensor).
    public init(directory: URL) throws(BackboneError) {
        do {
            checkpoint = try SafeTensorsCheckpoint(directory: directory)
        } catch {
            throw .weightsUnreadable(reason: error.description)
        }
    }

    public var tensorNames: [String] { checkpoint.tensorNames }

    public func info(_ name: String) -> SourceTensorInfo? {
        guard let info = try? checkpoint.info(name) else { return nil }
        return SourceTensorInfo(dtype: info.dtype.rawValue, shape: info.shape)
    }

    public func matrix(_ name: String, dtype: DType, rows: Int, cols: Int) throws(BackboneError) -> WeightMatrix {
        do {
            let aligned = try checkpoint.file(containing: name).isAligned(name)
            return try checkpoint.withRawBytes(name) { bytes in
                precondition(bytes.count == rows * cols * dtype.byteSize, "size checked against the header")
                if aligned, let base = bytes.baseAddress {
                    return WeightMatrix(owner: checkpoint, base: base, dtype: dtype, rows: rows, cols: cols)
                }
                return WeightMatrix(copying: bytes, dtype: dtype, rows: rows, cols: cols)
            }
        } catch let error as SafeTensorsError {
            throw .weightsUnreadable(reason: error.description)
        } catch {
            throw .weightsUnreadable(reason: "\(name): \(error)")
        }
    }
}
