// Hands checkpoint tensors to the layers by canonical name, checking shape and dtype, and
// reports tensors nobody asked for (a config that does not match its checkpoint).
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
            return try store.floats(fileName)
        } catch {
            throw .weights(error)
        }
    }

    /// Throws when the checkpoint holds VQ tensors the model did not use (other than
    /// BatchNorm's `num_batches_tracked`).
    func checkAllUsed() throws(VisionTokenizerError) {
        let extra = fileNames.keys.filter { !used.contains($0) && !VQWeightNames.isIgnorable($0) }.sorted()
        guard extra.isEmpty else { throw .unexpectedTensors(names: extra.map { fileNames[$0]! }) }
    }
}
