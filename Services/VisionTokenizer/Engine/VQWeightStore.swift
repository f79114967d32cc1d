// Hands checkpoint tensors to the layers by canonical name, checking shape and dtype, and
// reports tensors nobody asked for (a config that does not match its checkpoint).
import Foundation
import SafeTensors

/// One checkpoint's VQ tensors, addressed by canonical (transformers) name.
final class VQWeightStore {
    private let store: any SafeTensorsStore
    /// canonical name → name in the file
    private let fileNames: [String: String]
    private var used: Set<String> = []

    /// Float dtypes a weight may be stored in.
    static let floatTypes: Set<SafeTensorsDType> = [.f32, .f16, .bf16]

    /// - Throws: `.weights(.missingTensors)` when no tensor looks like a VQ tensor.
    init(_ store: any SafeTensorsStore) throws(VisionTokenizerError) {
        self.store = store
        guard let prefix = VQWeightNames.prefix(of: store.tensorNames) else {
            throw .weights(.missingTensors(names: ["encoder.conv_in.weight"]))
        }
        var map: [String: String] = [:]
        for name in store.tensorNames where name.hasPrefix(prefix) {
            let bare = String(name.dropFirst(prefix.count))
            guard VQWeightNames.roots.contains(where: { bare.hasPrefix($0) }) else { continue }
            map[VQWeightNames.canonical(bare)] = name
        }
        fileNames = map
    }

    /// The tensor's values as Float after checking its shape.
    /// - Parameters:
    ///   - name: canonical name.
    ///   - shape: expected shape; `alternative` is also accepted (attention [C,C] vs [C,C,1,1]).
    /// - Throws: `.weights(.missingTensors / .shapeMismatch / .dtypeMismatch)`.
    func floats(_ name: String, shape: [Int], alternative: [Int]? = nil) throws(VisionTokenizerError) -> [Float] {
        guard let fileName = fileNames[name] else { throw .weights(.missingTensors(names: [name])) }
        do throws(SafeTensorsError) {
            let info = try store.info(fileName)
            guard Self.floatTypes.contains(info.dtype) else {
                throw .dtypeMismatch(name: fileName, expected: [.bf16, .f16, .f32], actual: info.dtype)
            }
            guard info.shape == shape || (alternative != nil && info.shape == alternative!) else {
                throw .shapeMismatch(name: fileName, expected: shape, actual: info.shape)
            }
            used.insert(name)
            let values = try store.floats(fileName)
            releasePages(of: fileName)
            return values
        } catch {
            throw .weights(error)
        }
    }

    /// Drops the file pages just copied from this process's read-only mapping (MADV_DONTNEED;
    /// they stay in the page cache and re-fault from the file if read again). Without this the
    /// mapped file and the Float copies are both resident at the end of loading, doubling the
    /// load-time peak RSS (2.2 GB instead of 1.1 GB for the full-size model).
    private func releasePages(of fileName: String) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        _ = try? store.withRawBytes(fileName) { raw in
            guard let base = raw.baseAddress, raw.count >= page else { return }
            let start = (UInt(bitPattern: base) + UInt(page - 1)) & ~UInt(page - 1)  // whole pages only
            let end = (UInt(bitPattern: base) + UInt(raw.count)) & ~UInt(page - 1)
            guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
            _ = madvise(pointer, Int(end - start), MADV_DONTNEED)
        }
    }

    /// Throws when the checkpoint holds VQ tensors the model did not use (other than
    /// BatchNorm's `num_batches_tracked`).
    func checkAllUsed() throws(VisionTokenizerError) {
        let extra = fileNames.keys.filter { !used.contains($0) && !VQWeightNames.isIgnorable($0) }.sorted()
        guard extra.isEmpty else { throw .unexpectedTensors(names: extra.map { fileNames[$0]! }) }
    }
}
