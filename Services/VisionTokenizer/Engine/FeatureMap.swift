// Activations of the VQ model: one frame [C, H, W] or a clip [C, T, H, W], Float, row-major
// (the PyTorch layouts of spec §3, batch 1).

/// One frame of channels, [C, H, W].
struct FeatureMap {
    var channels: Int
    var height: Int
    var width: Int
    var data: [Float]

    init(channels: Int, height: Int, width: Int, data: [Float]) {
        precondition(data.count == channels * height * width, "feature map size mismatch")
        self.channels = channels
        self.height = height
        self.width = width
        self.data = data
    }

    init(zeros channels: Int, height: Int, width: Int) {
        self.init(channels: channels, height: height, width: width, data: [Float](repeating: 0, count: channels * height * width))
    }

    var pixels: Int { height * width }
}

/// A clip of frames, [C, T, H, W] (time inside channels, as PyTorch's Conv3d input).
struct Clip {
    var channels: Int
    var frames: Int
    var height: Int
    var width: Int
    var data: [Float]

    init(channels: Int, frames: Int, height: Int, width: Int, data: [Float]) {
        precondition(data.count == channels * frames * height * width, "clip size mismatch")
        self.channels = channels
        self.frames = frames
        self.height = height
        self.width = width
        self.data = data
    }

    /// Stacks frames [C, H, W] along time.
    init(stacking frames: [FeatureMap]) {
        precondition(!frames.isEmpty, "empty clip")
        let c = frames[0].channels, h = frames[0].height, w = frames[0].width, t = frames.count, hw = h * w
        var data = [Float](repeating: 0, count: c * t * hw)
        for (f, frame) in frames.enumerated() {
            precondition(frame.channels == c && frame.height == h && frame.width == w, "frames differ in shape")
            for ch in 0..<c {
                data.replaceSubrange(((ch * t + f) * hw)..<((ch * t + f + 1) * hw), with: frame.data[(ch * hw)..<((ch + 1) * hw)])
            }
        }
        self.init(channels: c, frames: t, height: h, width: w, data: data)
    }

    /// Frame `f` as [C, H, W].
    func frame(_ f: Int) -> FeatureMap {
        let hw = height * width
        var out = [Float](repeating: 0, count: channels * hw)
        for ch in 0..<channels {
            out.replaceSubrange((ch * hw)..<((ch + 1) * hw), with: data[((ch * frames + f) * hw)..<((ch * frames + f + 1) * hw)])
        }
        return FeatureMap(channels: channels, height: height, width: width, data: out)
    }
}
