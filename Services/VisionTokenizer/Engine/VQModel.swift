// The assembled VQ autoencoder: weights loaded once, immutable afterwards.
import SafeTensors

/// Encoder, quantiser and decoder of one checkpoint.
struct VQModel: @unchecked Sendable {
    // @unchecked: every stored property is a `let` of value types holding [Float]; nothing mutates after init.
    let configuration: VQConfiguration
    let encoder2D: VQEncoder2D
    let encoderTemporal: VQEncoderTemporal
    let quantizer: VQQuantizer
    let decoderTemporal: VQDecoderTemporal
    let decoder2D: VQDecoder2D

    /// Builds every layer from `store`, checking each tensor's shape, and fails on tensors the
    /// configuration does not use.
    init(configuration: VQConfiguration, store: any SafeTensorsStore) throws(VisionTokenizerError) {
        try configuration.validate()
        let weights = try VQWeightStore(store)
        self.configuration = configuration
        encoder2D = try VQEncoder2D(weights, configuration)
        encoderTemporal = try VQEncoderTemporal(weights, configuration)
        quantizer = try VQQuantizer(weights, configuration)
        decoderTemporal = try VQDecoderTemporal(weights, configuration)
        decoder2D = try VQDecoder2D(weights, configuration)
        try weights.checkAllUsed()
    }

    /// frames [3, H, W] (T of them, T a multiple of the temporal factor) → codes [T/f, h, w].
    /// `repeatFrom`: when set, every frame equals frame 0 (an image): the 2-D encoder runs once.
    func encode(_ frames: [FeatureMap], identicalFrames: Bool, check: () throws(VisionTokenizerError) -> Void)
        throws(VisionTokenizerError) -> (codes: [Int32], frames: Int, height: Int, width: Int)
    {
        var latents: [FeatureMap] = []
        if identicalFrames {
            let latent = try encoder2D(frames[0], check: check)
            latents = [FeatureMap](repeating: latent, count: frames.count)
        } else {
            for frame in frames { latents.append(try encoder2D(frame, check: check)) }
        }
        try check()
        let z = encoderTemporal(Clip(stacking: latents))
        return (quantizer.codes(for: z), z.frames, z.height, z.width)
    }

    /// codes [t, h, w] → decoded frames [3, H, W]; only `outputFrames` of the t·f frames.
    func decode(
        _ codes: [Int32], frames: Int, height: Int, width: Int, outputFrames: Range<Int>,
        check: () throws(VisionTokenizerError) -> Void
    ) throws(VisionTokenizerError) -> [FeatureMap] {
        let q = quantizer.vectors(for: codes, frames: frames, height: height, width: width)
        let (z, zq) = decoderTemporal(q)
        var out: [FeatureMap] = []
        for f in outputFrames {
            try check()
            out.append(try decoder2D(z.frame(f), condition: zq.frame(f), check: check))
        }
        return out
    }
}
