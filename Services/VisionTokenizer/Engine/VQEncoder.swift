// Emu3 VQ encoder (spec §3.3; transformers Emu3VQVAEEncoder + Emu3VQVAEDownBlock +
// Emu3VQVAEMiddleBlock). The 2-D part runs one frame at a time (PyTorch folds time into the
// batch, so frames are independent); the temporal part runs on the whole latent clip.

/// The per-frame 2-D encoder: pixels [3, H, W] → latent [latent, H/f, W/f].
struct VQEncoder2D {
    struct Level {
        var blocks: [ResBlock2D]
        var attentions: [AttentionBlock2D]
        var downsample: Conv2DLayer?
    }

    let convIn: Conv2DLayer
    let levels: [Level]
    let midBlock1: ResBlock2D, midAttention: AttentionBlock2D, midBlock2: ResBlock2D
    let normOut: Norm2D
    let convOut: Conv2DLayer

    init(_ w: VQWeightStore, _ config: VQConfiguration) throws(VisionTokenizerError) {
        let base = config.baseChannels
        convIn = try Conv2DLayer(w, "encoder.conv_in", in: config.inChannels, out: base, kernel: 3)
        var levels: [Level] = []
        var blockIn = base
        for level in config.channelMultipliers.indices {
            let name = "encoder.down_block.down.\(level)"
            let blockOut = config.channels(level: level)
            var blocks: [ResBlock2D] = [], attentions: [AttentionBlock2D] = []
            for b in 0..<config.residualBlocks {
                blocks.append(try ResBlock2D(w, "\(name).block.\(b)", in: blockIn, out: blockOut, condition: nil))
                blockIn = blockOut
                if config.attentionLevels.contains(level) {
                    attentions.append(
                        try AttentionBlock2D(
                            w, "\(name).attn.\(b)", norm: try .group(w, "\(name).attn_norms.\(b)", channels: blockIn),
                            channels: blockIn, heads: config.attentionHeads))
                }
            }
            // Downsample: pad one column right and one row bottom, then 3×3 stride 2 (spec §3.2).
            let downsample =
                level == config.channelMultipliers.count - 1
                ? nil
                : try Conv2DLayer(w, "\(name).downsample.conv", in: blockIn, out: blockIn, kernel: 3, stride: 2, pad: (0, 1, 0, 1))
            levels.append(Level(blocks: blocks, attentions: attentions, downsample: downsample))
        }
        self.levels = levels
        let mid = "encoder.middle_block"
        midBlock1 = try ResBlock2D(w, "\(mid).block_1", in: blockIn, out: blockIn, condition: nil)
        midAttention = try AttentionBlock2D(
            w, "\(mid).attn_1", norm: try .group(w, "\(mid).attn_norm", channels: blockIn), channels: blockIn,
            heads: config.attentionHeads)
        midBlock2 = try ResBlock2D(w, "\(mid).block_2", in: blockIn, out: blockIn, condition: nil)
        normOut = try .group(w, "encoder.norm_out", channels: blockIn)
        convOut = try Conv2DLayer(w, "encoder.conv_out", in: blockIn, out: config.latentChannels, kernel: 3)
    }

    func callAsFunction(_ pixels: FeatureMap, check: () throws(VisionTokenizerError) -> Void) throws(VisionTokenizerError) -> FeatureMap {
        var h = convIn(pixels)
        for level in levels {
            for (b, block) in level.blocks.enumerated() {
                try check()
                h = block(h, condition: nil)
                if !level.attentions.isEmpty { h = level.attentions[b](h, condition: nil) }
            }
            if let downsample = level.downsample { h = downsample(h) }
        }
        try check()
        h = midBlock1(h, condition: nil)
        h = midAttention(h, condition: nil)
        h = midBlock2(h, condition: nil)
        normOut.apply(&h, condition: nil, silu: true)
        return convOut(h)
    }
}

/// The temporal tail of the encoder plus quant_conv: latent clip [C, T, h, w] → [embed, T/f, h, w].
struct VQEncoderTemporal {
    let downsamples: [CausalConv3DLayer]
    let residualBlocks: [TemporalResBlock]
    let quantConv: CausalConv3DLayer

    init(_ w: VQWeightStore, _ config: VQConfiguration) throws(VisionTokenizerError) {
        let c = config.latentChannels
        downsamples = try (0..<config.temporalStages).map { (i: Int) throws(VisionTokenizerError) in
            try CausalConv3DLayer(w, "encoder.time_conv.\(i).conv", in: c, out: c, kernel: (4, 3, 3), temporalStride: 2)
        }
        residualBlocks = try (0..<config.residualBlocks).map { (i: Int) throws(VisionTokenizerError) in
            try TemporalResBlock(w, "encoder.time_res_stack.\(i)", channels: c)
        }
        quantConv = try CausalConv3DLayer(w, "quant_conv", in: c, out: config.embedDimension, kernel: (3, 1, 1))
    }

    func callAsFunction(_ latents: Clip) -> Clip {
        var h = latents
        for down in downsamples {
            h = down(h)
            siluInPlace(&h)
        }
        for block in residualBlocks { h = block(h) }
        return quantConv(h)
    }
}
