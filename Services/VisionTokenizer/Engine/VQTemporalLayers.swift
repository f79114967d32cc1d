// Emu3's temporal layers on 4-channel latent clips (spec §3.2): causal Conv3d (2 frames of
// front padding, always), eval-mode BatchNorm3d (eps 1e-5, running statistics), temporal
// residual blocks, temporal down- and up-sampling. Port of transformers 5.24 Emu3VQVAEConv3d,
// Emu3VQVAETemporalResnetBlock, Emu3VQVAETemporal{Down,Up}sample.
import Tensor

/// Emu3VQVAEConv3d: weights [Cout, Cin, kt, kh, kw] under `name.conv.*`.
struct CausalConv3DLayer {
    let inChannels: Int, outChannels: Int
    let kernel: (t: Int, h: Int, w: Int)
    let temporalStride: Int
    let weight: [Float], bias: [Float]

    init(_ w: VQWeightStore, _ name: String, in cin: Int, out cout: Int, kernel: (t: Int, h: Int, w: Int),
         temporalStride: Int = 1) throws(VisionTokenizerError) {
        inChannels = cin
        outChannels = cout
        self.kernel = kernel
        self.temporalStride = temporalStride
        weight = try w.floats(name + ".conv.weight", shape: [cout, cin, kernel.t, kernel.h, kernel.w])
        bias = try w.floats(name + ".conv.bias", shape: [cout])
    }

    func callAsFunction(_ x: Clip) -> Clip {
        precondition(x.channels == inChannels, "conv3d input channels")
        let frames = CausalConv3DKernel.outputFrames(frames: x.frames, kernelDepth: kernel.t, stride: temporalStride)
        var out = Clip(
            channels: outChannels, frames: frames, height: x.height, width: x.width,
            data: [Float](repeating: 0, count: outChannels * frames * x.height * x.width))
        x.data.withUnsafeBufferPointer { xp in
            weight.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    out.data.withUnsafeMutableBufferPointer { op in
                        CausalConv3DKernel.forward(
                            input: xp.baseAddress!, inChannels: inChannels, frames: x.frames, height: x.height,
                            width: x.width, weight: wp.baseAddress!, bias: bp.baseAddress!, outChannels: outChannels,
                            kernel: kernel, temporalStride: temporalStride, output: op.baseAddress!)
                    }
                }
            }
        }
        return out
    }
}

/// BatchNorm3d in eval mode: y = x·α + β with α = γ / √(running_var + 1e-5), β = b − mean·α
/// (PyTorch's CPU inference kernel folds it the same way).
struct BatchNorm3DLayer {
    static let epsilon: Float = 1e-5
    let alpha: [Float], beta: [Float]

    init(_ w: VQWeightStore, _ name: String, channels c: Int) throws(VisionTokenizerError) {
        let gamma = try w.floats(name + ".weight", shape: [c])
        let bias = try w.floats(name + ".bias", shape: [c])
        let mean = try w.floats(name + ".running_mean", shape: [c])
        let variance = try w.floats(name + ".running_var", shape: [c])
        var alpha = [Float](repeating: 0, count: c), beta = [Float](repeating: 0, count: c)
        for i in 0..<c {
            let invstd = 1 / (variance[i] + Self.epsilon).squareRoot()
            alpha[i] = invstd * gamma[i]
            beta[i] = bias[i] - mean[i] * alpha[i]
        }
        self.alpha = alpha
        self.beta = beta
    }

    /// In place, then SiLU when `silu`.
    func apply(_ x: inout Clip, silu: Bool) {
        let per = x.frames * x.height * x.width
        for c in 0..<x.channels {
            let a = alpha[c], b = beta[c]
            for i in (c * per)..<((c + 1) * per) {
                let y = x.data[i] * a + b
                x.data[i] = silu ? GroupNormKernel.SiLU.apply(y) : y
            }
        }
    }
}

/// x + conv2(SiLU(BN2(conv1(SiLU(BN1(x)))))), channels unchanged.
struct TemporalResBlock {
    let norm1: BatchNorm3DLayer, conv1: CausalConv3DLayer, norm2: BatchNorm3DLayer, conv2: CausalConv3DLayer

    init(_ w: VQWeightStore, _ name: String, channels c: Int) throws(VisionTokenizerError) {
        norm1 = try BatchNorm3DLayer(w, name + ".norm1", channels: c)
        conv1 = try CausalConv3DLayer(w, name + ".conv1", in: c, out: c, kernel: (3, 3, 3))
        norm2 = try BatchNorm3DLayer(w, name + ".norm2", channels: c)
        conv2 = try CausalConv3DLayer(w, name + ".conv2", in: c, out: c, kernel: (3, 3, 3))
    }

    func callAsFunction(_ x: Clip) -> Clip {
        var h = x
        norm1.apply(&h, silu: true)
        h = conv1(h)
        norm2.apply(&h, silu: true)
        h = conv2(h)
        for i in h.data.indices { h.data[i] = x.data[i] + h.data[i] }
        return h
    }
}

/// In-place SiLU over a clip.
func siluInPlace(_ x: inout Clip) {
    x.data.withUnsafeMutableBufferPointer { GroupNormKernel.SiLU.inPlace($0.baseAddress!, count: $0.count) }
}

/// Nearest ×2 in time: out[2t] = out[2t+1] = in[t] (Emu3VQVAETemporalUpsample's interpolate).
func duplicateFrames(_ x: Clip) -> Clip {
    let hw = x.height * x.width
    var data = [Float](repeating: 0, count: x.data.count * 2)
    for c in 0..<x.channels {
        for t in 0..<x.frames {
            let src = (c * x.frames + t) * hw
            for copy in 0..<2 {
                let dst = (c * 2 * x.frames + 2 * t + copy) * hw
                data.replaceSubrange(dst..<(dst + hw), with: x.data[src..<(src + hw)])
            }
        }
    }
    return Clip(channels: x.channels, frames: 2 * x.frames, height: x.height, width: x.width, data: data)
}
