// Emu3 VQ decoder (spec §3.4; transformers Emu3VQVAEDecoder + Emu3VQVAEUpBlock). The temporal
// stack runs on the whole clip for both z (post_quant_conv output) and the raw codebook vectors
// q; the 2-D decoder then runs frame by frame, each SpatialNorm conditioned on that frame of
// the temporally processed q (zq′, pitfall §9.8). For an image only frame 0 is decoded: frames
// are independent in the 2-D decoder, so this is exactly frame 0 of the full decode (§3.5).

/// post_quant_conv and the decoder's temporal stack: [embed, t, h, w] → [latent, t·f, h, w].
struct VQDecoderTemporal {
    let postQuantConv: CausalConv3DLayer
    let residualBlocks: [TemporalResBlock]
    let upsamples: [CausalConv3DLayer]

    init(_ w: VQWeightStore, _ config: VQConfiguration) throws(VisionTokenizerError) {
        let c = config.latentChannels
        postQuantConv = try CausalConv3DLayer(w, "post_quant_conv", in: config.embedDimension, out: c, kernel: (3, 1, 1))
        residualBlocks = try (0..<config.residualBlocks).map { (i: Int) throws(VisionTokenizerError) in
            try TemporalResBlock(w, "decoder.time_res_stack.\(i)", channels: c)
        }
        upsamples = try (0..<config.temporalStages).map { (i: Int) throws(VisionTokenizerError) in
            try CausalConv3DLayer(w, "decoder.time_conv.\(i).conv", in: c, out: c, kernel: (3, 3, 3))
        }
    }

    /// The shared stack: residual blocks, then (duplicate frames → conv → SiLU) per stage.
    func stack(_ x: Clip) -> Clip {
        var h = x
        for block in residualBlocks { h = block(h) }
        for up in upsamples {
            h = up(duplicateFrames(h))
            siluInPlace(&h)
        }
        return h
    }

    /// Returns (z′, zq′) for quantised vectors q.
    func callAsFunction(_ q: Clip) -> (z: Clip, zq: Clip) {
        (stack(postQuantConv(q)), stack(q))
    }
}

/// The per-frame 2-D decoder: z′ [latent, h, w] conditioned on zq′ [embed, h, w] → pixels [3, h·f, w·f].
struct VQDecoder2D {
    struct Level {
        var blocks: [ResBlock2D]
        var attentions: [AttentionBlock2D]
        var upsample: Conv2DLayer?
    }

    let convIn: Conv2DLayer
    let midBlock1: ResBlock2D, midAttention: AttentionBlock2D, midBlock2: ResBlock2D
    /// Run order: the last level (`up.{L−1}`) first.
    let levels: [Level]
    let normOut: Norm2D
    let convOut: Conv2DLayer

    init(_ w: VQWeightStore, _ config: VQConfiguration) throws(VisionTokenizerError) {
        let q = config.embedDimension
        var blockIn = config.channels(level: config.channelMultipliers.count - 1)
        convIn = try Conv2DLayer(w, "decoder.conv_in", in: config.latentChannels, out: blockIn, kernel: 3)
        let mid = "decoder.middle_block"
        midBlock1 = try ResBlock2D(w, "\(mid).block_1", in: blockIn, out: blockIn, condition: q)
        midAttention = try AttentionBlock2D(
            w, "\(mid).attn_1", norm: try .spatial(w, "\(mid).attn_norm", channels: blockIn, condition: q),
            channels: blockIn, heads: config.attentionHeads)
        midBlock2 = try ResBlock2D(w, "\(mid).block_2", in: blockIn, out: blockIn, condition: q)
        var levels: [Level] = []
        for level in config.channelMultipliers.indices.reversed() {
            let name = "decoder.up_block.up.\(level)"
            let blockOut = config.channels(level: level)
            var blocks: [ResBlock2D] = [], attentions: [AttentionBlock2D] = []
            for b in 0...config.residualBlocks {
                blocks.append(try ResBlock2D(w, "\(name).block.\(b)", in: blockIn, out: blockOut, condition: q))
                blockIn = blockOut
                if config.attentionLevels.contains(level) {
                    attentions.append(
                        try AttentionBlock2D(
                            w, "\(name).attn.\(b)",
                            norm: try .spatial(w, "\(name).attn_norms.\(b)", channels: blockIn, condition: q),
                            channels: blockIn, heads: config.attentionHeads))
                }
            }
            // Upsample: nearest ×2, then Conv3×3 pad 1 (fused into the conv's im2col).
            let upsample = level == 0 ? nil : try Conv2DLayer(w, "\(name).upsample.conv", in: blockIn, out: blockIn, kernel: 3, upsample: 2)
            levels.append(Level(blocks: blocks, attentions: attentions, upsample: upsample))
        }
        self.levels = levels
        normOut = try .spatial(w, "decoder.norm_out", channels: blockIn, condition: q)
        convOut = try Conv2DLayer(w, "decoder.conv_out", in: blockIn, out: config.outChannels, kernel: 3)
    }

    func callAsFunction(
        _ z: FeatureMap, condition zq: FeatureMap, check: () throws(VisionTokenizerError) -> Void
    ) throws(VisionTokenizerError) -> FeatureMap {
        var h = convIn(z)
        try check()
        h = midBlock1(h, condition: zq)
        h = midAttention(h, condition: zq)
        h = midBlock2(h, condition: zq)
        for level in levels {
            for (b, block) in level.blocks.enumerated() {
                try check()
                h = block(h, condition: zq)
                if !level.attentions.isEmpty { h = level.attentions[b](h, condition: zq) }
            }
            if let upsample = level.upsample { h = upsample(h) }
        }
        normOut.apply(&h, condition: zq, silu: true)
        return convOut(h)
    }
}
