import BackboneEngine
import Foundation
import Tensor

/// `--profile`: where a batch-1 decode step's time goes (lm_head alone, the decoder layers
/// alone), each as GB/s of weights streamed. For tuning; not part of the table.
enum Profile {
    @MainActor static func run(_ m: Emu3Model, ws: ForwardWorkspace, repeats: Int = 5) throws {
        let c = m.configuration
        let hidden = try Tensor(shape: [1, c.hiddenSize], values: (0..<c.hiddenSize).map { Float($0 % 7) / 7 })
        let headBytes = Double(c.vocabularySize * c.hiddenSize * m.weightDType.byteSize)
        var best = Double.infinity
        for _ in 0..<repeats {
            let t = ContinuousClock.now
            _ = m.logits(hidden, workspace: ws)
            best = min(best, (ContinuousClock.now - t).seconds)
        }
        print(String(format: "profile: lm_head %.1f ms = %.2f GB/s", best * 1000, headBytes / best / 1e9))
        let layerBytes = Double(m.weightBytes) - 2 * headBytes
        let cache = m.makeCache(initialCapacity: 64)
        _ = try m.forward([StreamStep(cache: cache, tokens: [1, 2, 3], output: .none)], workspace: ws)
        best = .infinity
        for i in 0..<repeats {
            let t = ContinuousClock.now
            _ = try m.forward([StreamStep(cache: cache, tokens: [Int32(5 + i)], output: .none)], workspace: ws)
            best = min(best, (ContinuousClock.now - t).seconds)
        }
        print(String(format: "profile: layers %.1f ms = %.2f GB/s", best * 1000, layerBytes / best / 1e9))
    }
}
