// Nearest-codebook quantiser (spec §3.3 step 10; transformers Emu3VQVAEVectorQuantizer):
// code = argmin_k (|z|² + |e_k|² − 2 z·e_k), computed in Float in that order, ties → lowest k.

/// The codebook and the two directions through it.
struct VQQuantizer {
    let codebookSize: Int, dimension: Int
    /// [K, D] row-major (`quantize.embedding.weight`).
    let codebook: [Float]
    /// |e_k|², summed in order.
    let codebookNorms: [Float]

    init(_ w: VQWeightStore, _ config: VQConfiguration) throws(VisionTokenizerError) {
        codebookSize = config.codebookSize
        dimension = config.embedDimension
        codebook = try w.floats("quantize.embedding.weight", shape: [codebookSize, dimension])
        var norms = [Float](repeating: 0, count: codebookSize)
        for k in 0..<codebookSize {
            var s: Float = 0
            for d in 0..<dimension { s += codebook[k * dimension + d] * codebook[k * dimension + d] }
            norms[k] = s
        }
        codebookNorms = norms
    }

    /// z [D, T, h, w] → codes [T·h·w] (time, row, column order).
    func codes(for z: Clip) -> [Int32] {
        precondition(z.channels == dimension, "quantiser input width")
        let n = z.frames * z.height * z.width
        let d = dimension
        var out = [Int32](repeating: 0, count: n)
        var vector = [Float](repeating: 0, count: d)
        codebook.withUnsafeBufferPointer { book in
            codebookNorms.withUnsafeBufferPointer { norms in
                for i in 0..<n {
                    var zz: Float = 0
                    for c in 0..<d {
                        vector[c] = z.data[c * n + i]
                        zz += vector[c] * vector[c]
                    }
                    var best = 0
                    var bestDistance = Float.infinity
                    for k in 0..<codebookSize {
                        var dot: Float = 0
                        for c in 0..<d { dot += vector[c] * book[k * d + c] }
                        let distance = (zz + norms[k]) - 2 * dot
                        if distance < bestDistance {  // strict: the first minimum wins, as torch.argmin
                            bestDistance = distance
                            best = k
                        }
                    }
                    out[i] = Int32(best)
                }
            }
        }
        return out
    }

    /// codes [t·h·w] (already range-checked) → q [D, t, h, w].
    func vectors(for codes: [Int32], frames: Int, height: Int, width: Int) -> Clip {
        let n = frames * height * width
        var data = [Float](repeating: 0, count: dimension * n)
        for i in 0..<n {
            let row = Int(codes[i]) * dimension
            for c in 0..<dimension { data[c * n + i] = codebook[row + c] }
        }
        return Clip(channels: dimension, frames: frames, height: height, width: width, data: data)
    }
}
