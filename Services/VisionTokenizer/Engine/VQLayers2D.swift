// The 2-D building blocks of Emu3's VQ (spec §3.2): Conv2d, GroupNorm, SpatialNorm, ResBlock,
// attention, Downsample, Upsample. Port of transformers 5.24 `modeling_emu3.py` (Emu3VQVAE*),
// batch 1, one frame at a time. Weight names are the canonical (transformers) ones.
import Tensor

/// Conv2d with bias, PyTorch weight layout [Cout, Cin, kh, kw].
struct Conv2DLayer {
    let inChannels: Int, outChannels: Int, kernel: Int, stride: Int
    let pad: (top: Int, bottom: Int, left: Int, right: Int)
    let upsample: Int
    let weight: [Float], bias: [Float]

    /// kernel 3 pads 1 on every side, kernel 1 pads nothing (the Emu3 "same" convs).
    init(_ w: VQWeightStore, _ name: String, in cin: Int, out cout: Int, kernel: Int, stride: Int = 1,
         pad: (top: Int, bottom: Int, left: Int, right: Int)? = nil, upsample: Int = 1) throws(VisionTokenizerError) {
        inChannels = cin
        outChannels = cout
        self.kernel = kernel
        self.stride = stride
        let p = (kernel - 1) / 2
        self.pad = pad ?? (p, p, p, p)
        self.upsample = upsample
        weight = try w.floats(name + ".weight", shape: [cout, cin, kernel, kernel])
        bias = try w.floats(name + ".bias", shape: [cout])
    }

    func geometry(_ x: FeatureMap) -> Conv2DGeometry {
        Conv2DGeometry(
            inChannels: inChannels, inHeight: x.height, inWidth: x.width, kernelHeight: kernel, kernelWidth: kernel,
            stride: stride, padTop: pad.top, padBottom: pad.bottom, padLeft: pad.left, padRight: pad.right,
            upsample: upsample)
    }

    /// x [Cin, H, W] → [Cout, H′, W′]; with `accumulateInto`, adds the result to that map.
    func callAsFunction(_ x: FeatureMap, accumulateInto base: consuming FeatureMap? = nil) -> FeatureMap {
        precondition(x.channels == inChannels, "conv input channels")
        let g = geometry(x)
        let accumulate = base != nil
        var out = base ?? FeatureMap(zeros: outChannels, height: g.outHeight, width: g.outWidth)
        precondition(out.channels == outChannels && out.height == g.outHeight && out.width == g.outWidth, "accumulator shape")
        x.data.withUnsafeBufferPointer { xp in
            weight.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    out.data.withUnsafeMutableBufferPointer { op in
                        Conv2DKernel.forward(
                            input: xp.baseAddress!, geometry: g, weight: wp.baseAddress!, bias: bp.baseAddress!,
                            outChannels: outChannels, output: op.baseAddress!, accumulate: accumulate)
                    }
                }
            }
        }
        return out
    }
}

/// GroupNorm (32 groups, eps 1e-6) or SpatialNorm (GroupNorm modulated by the quantised latent).
enum Norm2D {
    static let epsilon: Float = 1e-6

    case group(gamma: [Float], beta: [Float])
    /// MoVQ SpatialNorm: GN(x)·conv_y(zq) + conv_b(zq), conv_y/conv_b 1×1 from embed_dim.
    case spatial(gamma: [Float], beta: [Float], convY: Conv2DLayer, convB: Conv2DLayer)

    /// Encoder norms: `name.weight/bias`.
    static func group(_ w: VQWeightStore, _ name: String, channels c: Int) throws(VisionTokenizerError) -> Norm2D {
        .group(gamma: try w.floats(name + ".weight", shape: [c]), beta: try w.floats(name + ".bias", shape: [c]))
    }

    /// Decoder norms: `name.norm_layer.*`, `name.conv_y.*`, `name.conv_b.*`.
    static func spatial(_ w: VQWeightStore, _ name: String, channels c: Int, condition: Int) throws(VisionTokenizerError) -> Norm2D {
        .spatial(
            gamma: try w.floats(name + ".norm_layer.weight", shape: [c]),
            beta: try w.floats(name + ".norm_layer.bias", shape: [c]),
            convY: try Conv2DLayer(w, name + ".conv_y", in: condition, out: c, kernel: 1),
            convB: try Conv2DLayer(w, name + ".conv_b", in: condition, out: c, kernel: 1))
    }

    /// Normalises `x` in place (then SiLU when `silu`). `condition` is zq′ of this frame
    /// (latent resolution) for SpatialNorm, unused for GroupNorm.
    func apply(_ x: inout FeatureMap, condition: FeatureMap?, silu: Bool) {
        let (c, h, wd) = (x.channels, x.height, x.width)
        switch self {
        case .group(let gamma, let beta):
            x.data.withUnsafeMutableBufferPointer { xp in
                GroupNormKernel.forward(
                    xp.baseAddress!, channels: c, pixels: h * wd, groups: VQConfiguration.groupNormGroups,
                    epsilon: Self.epsilon, gamma: gamma, beta: beta, silu: silu, output: xp.baseAddress!)
            }
        case .spatial(let gamma, let beta, let convY, let convB):
            guard let zq = condition else { preconditionFailure("SpatialNorm needs the quantised latent") }
            // 1×1 convs commute with nearest upsampling: compute them at latent resolution.
            let scale = convY(zq), shift = convB(zq)
            x.data.withUnsafeMutableBufferPointer { xp in
                GroupNormKernel.spatialNorm(
                    xp.baseAddress!, channels: c, height: h, width: wd, groups: VQConfiguration.groupNormGroups,
                    epsilon: Self.epsilon, gamma: gamma, beta: beta, scaleMap: scale.data, shiftMap: shift.data,
                    mapHeight: zq.height, mapWidth: zq.width, silu: silu, output: xp.baseAddress!)
            }
        }
    }

    /// A normalised copy.
    func applied(to x: FeatureMap, condition: FeatureMap?, silu: Bool) -> FeatureMap {
        var copy = x
        apply(&copy, condition: condition, silu: silu)
        return copy
    }
}

/// ResBlock: out = shortcut(x) + conv2(SiLU(norm2(conv1(SiLU(norm1(x)))))).
struct ResBlock2D {
    let norm1: Norm2D, conv1: Conv2DLayer, norm2: Norm2D, conv2: Conv2DLayer
    let shortcut: Conv2DLayer?

    init(_ w: VQWeightStore, _ name: String, in cin: Int, out cout: Int, condition: Int?) throws(VisionTokenizerError) {
        if let condition {
            norm1 = try .spatial(w, name + ".norm1", channels: cin, condition: condition)
            norm2 = try .spatial(w, name + ".norm2", channels: cout, condition: condition)
        } else {
            norm1 = try .group(w, name + ".norm1", channels: cin)
            norm2 = try .group(w, name + ".norm2", channels: cout)
        }
        conv1 = try Conv2DLayer(w, name + ".conv1", in: cin, out: cout, kernel: 3)
        conv2 = try Conv2DLayer(w, name + ".conv2", in: cout, out: cout, kernel: 3)
        shortcut = cin == cout ? nil : try Conv2DLayer(w, name + ".nin_shortcut", in: cin, out: cout, kernel: 1)
    }

    func callAsFunction(_ x: consuming FeatureMap, condition: FeatureMap?) -> FeatureMap {
        var h: FeatureMap
        let residual: FeatureMap
        if let shortcut {
            // Project the residual first so x can be normalised in place (saves one full-size map).
            residual = shortcut(x)
            h = x
        } else {
            residual = x
            h = residual
        }
        norm1.apply(&h, condition: condition, silu: true)
        var h2 = conv1(h)
        h = FeatureMap(zeros: 0, height: 0, width: 0)  // release before the next conv
        norm2.apply(&h2, condition: condition, silu: true)
        return conv2(h2, accumulateInto: residual)
    }
}

/// Self-attention over pixels: out = x + proj_out(attention(norm(x))) (spec §3.2 Attn2D).
struct AttentionBlock2D {
    let norm: Norm2D
    let channels: Int, heads: Int
    /// q, k, v, out weights ([C, C] each, Linear layout) then their four [C] biases.
    let parameters: [Float]

    /// - Parameters: `name` is the attention module (`…attn.{j}` / `…attn_1`); q/k/v/proj_out
    ///   weights may be [C, C] (transformers) or [C, C, 1, 1] (original).
    init(_ w: VQWeightStore, _ name: String, norm: Norm2D, channels c: Int, heads: Int) throws(VisionTokenizerError) {
        self.norm = norm
        channels = c
        self.heads = heads
        var all: [Float] = []
        all.reserveCapacity(4 * c * c + 4 * c)
        for p in ["q_proj", "k_proj", "v_proj", "out_proj"] {
            all += try w.floats("\(name).\(p).weight", shape: [c, c], alternative: [c, c, 1, 1])
        }
        for p in ["q_proj", "k_proj", "v_proj", "out_proj"] { all += try w.floats("\(name).\(p).bias", shape: [c]) }
        parameters = all
    }

    func callAsFunction(_ x: consuming FeatureMap, condition: FeatureMap?) -> FeatureMap {
        let normalized = norm.applied(to: x, condition: condition, silu: false)
        var result = x
        let (c, n, heads) = (channels, result.pixels, heads)
        normalized.data.withUnsafeBufferPointer { np in
            parameters.withUnsafeBufferPointer { pp in
                result.data.withUnsafeMutableBufferPointer { rp in
                    let p = pp.baseAddress!, b = p + 4 * c * c
                    let weights = SpatialAttentionKernel.Weights(
                        q: p, qBias: b, k: p + c * c, kBias: b + c, v: p + 2 * c * c, vBias: b + 2 * c,
                        out: p + 3 * c * c, outBias: b + 3 * c)
                    SpatialAttentionKernel.addAttention(
                        normalized: np.baseAddress!, channels: c, pixels: n, heads: heads, weights: weights,
                        residual: rp.baseAddress!)
                }
            }
        }
        return result
    }
}
