// The Conv/GroupNorm/attention/causal-conv kernels against naive loops (Double accumulation),
// on random shapes including odd and size-1 ones.
import Foundation
import Tensor
import Testing

/// Deterministic pseudo-random floats in [−1, 1).
struct SplitMix {
    var state: UInt64
    mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }
    mutating func array(_ n: Int) -> [Float] { (0..<n).map { _ in next() } }
}

func maxDiff(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

@Suite struct KernelTests {
    struct ConvCase: Sendable, CustomTestStringConvertible {
        var cin: Int, cout: Int, h: Int, w: Int, k: Int, stride: Int, pad: (Int, Int, Int, Int), up: Int
        var testDescription: String { "\(cin)→\(cout) \(h)×\(w) k\(k) s\(stride) pad\(pad) up\(up)" }
    }

    static let convCases: [ConvCase] = [
        .init(cin: 3, cout: 5, h: 7, w: 9, k: 3, stride: 1, pad: (1, 1, 1, 1), up: 1),
        .init(cin: 4, cout: 2, h: 1, w: 1, k: 3, stride: 1, pad: (1, 1, 1, 1), up: 1),
        .init(cin: 6, cout: 3, h: 8, w: 5, k: 1, stride: 1, pad: (0, 0, 0, 0), up: 1),
        .init(cin: 5, cout: 4, h: 9, w: 6, k: 3, stride: 2, pad: (0, 1, 0, 1), up: 1),  // Emu3 Downsample
        .init(cin: 3, cout: 3, h: 4, w: 5, k: 3, stride: 1, pad: (1, 1, 1, 1), up: 2),  // Emu3 Upsample
        .init(cin: 2, cout: 7, h: 3, w: 11, k: 3, stride: 1, pad: (2, 0, 3, 1), up: 1),
    ]

    static func naiveConv(_ x: [Float], _ wt: [Float], _ b: [Float], _ c: ConvCase) -> [Float] {
        let eh = c.h * c.up, ew = c.w * c.up
        let oh = (eh + c.pad.0 + c.pad.1 - c.k) / c.stride + 1, ow = (ew + c.pad.2 + c.pad.3 - c.k) / c.stride + 1
        var out = [Float](repeating: 0, count: c.cout * oh * ow)
        for co in 0..<c.cout {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var s = Double(b[co])
                    for ci in 0..<c.cin {
                        for dy in 0..<c.k {
                            for dx in 0..<c.k {
                                let ey = oy * c.stride + dy - c.pad.0, ex = ox * c.stride + dx - c.pad.2
                                guard ey >= 0, ey < eh, ex >= 0, ex < ew else { continue }
                                s += Double(wt[((co * c.cin + ci) * c.k + dy) * c.k + dx]) * Double(x[(ci * c.h + ey / c.up) * c.w + ex / c.up])
                            }
                        }
                    }
                    out[(co * oh + oy) * ow + ox] = Float(s)
                }
            }
        }
        return out
    }

    @Test(arguments: convCases)
    func conv2DMatchesNaive(_ c: ConvCase) {
        var rng = SplitMix(state: UInt64(c.cin * 1000 + c.h))
        let x = rng.array(c.cin * c.h * c.w), wt = rng.array(c.cout * c.cin * c.k * c.k), b = rng.array(c.cout)
        let g = Conv2DGeometry(
            inChannels: c.cin, inHeight: c.h, inWidth: c.w, kernelHeight: c.k, kernelWidth: c.k, stride: c.stride,
            padTop: c.pad.0, padBottom: c.pad.1, padLeft: c.pad.2, padRight: c.pad.3, upsample: c.up)
        var out = [Float](repeating: 0, count: c.cout * g.outHeight * g.outWidth)
        Conv2DKernel.forward(input: x, geometry: g, weight: wt, bias: b, outChannels: c.cout, output: &out)
        let expected = Self.naiveConv(x, wt, b, c)
        #expect(out.count == expected.count)
        #expect(maxDiff(out, expected) < Tolerance.kernel)
    }

    @Test func conv2DBandsAgreeWithOneShot() {
        // A small budget forces several im2col bands, the last one partial.
        let c = ConvCase(cin: 5, cout: 4, h: 13, w: 11, k: 3, stride: 1, pad: (1, 1, 1, 1), up: 1)
        var rng = SplitMix(state: 7)
        let x = rng.array(c.cin * c.h * c.w), wt = rng.array(c.cout * c.cin * 9), b = rng.array(c.cout)
        let g = Conv2DGeometry(inChannels: c.cin, inHeight: c.h, inWidth: c.w, kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)
        var out = [Float](repeating: 0, count: c.cout * c.h * c.w)
        Conv2DKernel.forward(input: x, geometry: g, weight: wt, bias: b, outChannels: c.cout, output: &out, bandBudget: g.patchSize * g.outWidth * 4)
        #expect(maxDiff(out, Self.naiveConv(x, wt, b, c)) < Tolerance.kernel)
    }

    @Test func groupNormAndSpatialNormMatchNaive() {
        let (c, h, w, groups) = (64, 6, 10, 32)
        var rng = SplitMix(state: 3)
        let x = rng.array(c * h * w).map { $0 * 3 + 0.5 }, gamma = rng.array(c), beta = rng.array(c)
        let (mh, mw) = (3, 5)
        let ys = rng.array(c * mh * mw), bs = rng.array(c * mh * mw)
        var gn = [Float](repeating: 0, count: x.count), sn = gn, gnSilu = gn
        GroupNormKernel.forward(x, channels: c, pixels: h * w, groups: groups, epsilon: 1e-6, gamma: gamma, beta: beta, silu: false, output: &gn)
        GroupNormKernel.forward(x, channels: c, pixels: h * w, groups: groups, epsilon: 1e-6, gamma: gamma, beta: beta, silu: true, output: &gnSilu)
        GroupNormKernel.spatialNorm(
            x, channels: c, height: h, width: w, groups: groups, epsilon: 1e-6, gamma: gamma, beta: beta, scaleMap: ys,
            shiftMap: bs, mapHeight: mh, mapWidth: mw, silu: false, output: &sn)
        let per = c / groups * h * w
        var expected = [Float](repeating: 0, count: x.count), expectedSN = expected
        for g in 0..<groups {
            let slice = x[(g * per)..<((g + 1) * per)].map(Double.init)
            let mean = slice.reduce(0, +) / Double(per)
            let variance = slice.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(per)
            for i in (g * per)..<((g + 1) * per) {
                let ch = i / (h * w), p = i % (h * w), y = p / w, xx = p % w
                let n = (Double(x[i]) - mean) / (variance + 1e-6).squareRoot() * Double(gamma[ch]) + Double(beta[ch])
                expected[i] = Float(n)
                let m = ch * mh * mw + (y / 2) * mw + xx / 2
                expectedSN[i] = Float(n * Double(ys[m]) + Double(bs[m]))
            }
        }
        #expect(maxDiff(gn, expected) < Tolerance.kernel)
        #expect(maxDiff(sn, expectedSN) < Tolerance.kernel)
        #expect(maxDiff(gnSilu, expected.map { $0 / (1 + exp(-$0)) }) < Tolerance.kernel)
    }

    @Test(arguments: [(8, 12, 1, 1000), (8, 12, 2, 1000), (6, 1, 3, 1000), (4, 50, 2, 7 * 50)])
    func attentionMatchesNaive(channels c: Int, pixels n: Int, heads: Int, budget: Int) {
        var rng = SplitMix(state: UInt64(n))
        let x = rng.array(c * n), p = rng.array(4 * c * c + 4 * c).map { $0 * 0.5 }
        let residual0 = rng.array(c * n)
        var residual = residual0
        p.withUnsafeBufferPointer { pp in
            let w = pp.baseAddress!, b = w + 4 * c * c
            SpatialAttentionKernel.addAttention(
                normalized: x, channels: c, pixels: n, heads: heads,
                weights: .init(q: w, qBias: b, k: w + c * c, kBias: b + c, v: w + 2 * c * c, vBias: b + 2 * c,
                               out: w + 3 * c * c, outBias: b + 3 * c),
                residual: &residual, scoreBudget: budget)
        }
        func proj(_ which: Int) -> [Double] {
            var y = [Double](repeating: 0, count: c * n)
            for o in 0..<c { for i in 0..<n {
                var s = Double(p[4 * c * c + which * c + o])
                for k in 0..<c { s += Double(p[which * c * c + o * c + k]) * Double(x[k * n + i]) }
                y[o * n + i] = s
            } }
            return y
        }
        let q = proj(0), k = proj(1), v = proj(2)
        let d = c / heads
        var o = [Double](repeating: 0, count: c * n)
        for h in 0..<heads {
            for i in 0..<n {
                var scores = (0..<n).map { j in (0..<d).reduce(0.0) { $0 + q[(h * d + $1) * n + i] * k[(h * d + $1) * n + j] } / Double(d).squareRoot() }
                let m = scores.max()!
                scores = scores.map { exp($0 - m) }
                let sum = scores.reduce(0, +)
                for e in 0..<d { o[(h * d + e) * n + i] = (0..<n).reduce(0.0) { $0 + scores[$1] / sum * v[(h * d + e) * n + $1] } }
            }
        }
        var expected = [Float](repeating: 0, count: c * n)
        for ch in 0..<c { for i in 0..<n {
            var s = Double(residual0[ch * n + i]) + Double(p[4 * c * c + 3 * c + ch])
            for k in 0..<c { s += Double(p[3 * c * c + ch * c + k]) * o[k * n + i] }
            expected[ch * n + i] = Float(s)
        } }
        #expect(maxDiff(residual, expected) < Tolerance.kernel)
    }

    @Test(arguments: [(3, 3, 3, 1, 5), (4, 3, 3, 2, 8), (3, 1, 1, 1, 1), (4, 3, 3, 2, 4)])
    func causalConv3DMatchesNaive(kt: Int, kh: Int, kw: Int, stride: Int, frames t: Int) {
        let (cin, cout, h, w) = (3, 2, 4, 5)
        var rng = SplitMix(state: UInt64(kt * 10 + t))
        let x = rng.array(cin * t * h * w), wt = rng.array(cout * cin * kt * kh * kw), b = rng.array(cout)
        let tOut = CausalConv3DKernel.outputFrames(frames: t, kernelDepth: kt, stride: stride)
        var out = [Float](repeating: 0, count: cout * tOut * h * w)
        CausalConv3DKernel.forward(
            input: x, inChannels: cin, frames: t, height: h, width: w, weight: wt, bias: b, outChannels: cout,
            kernel: (kt, kh, kw), temporalStride: stride, output: &out)
        var expected = [Float](repeating: 0, count: out.count)
        for co in 0..<cout { for to in 0..<tOut { for y in 0..<h { for xx in 0..<w {
            var s = Double(b[co])
            for ci in 0..<cin { for dt in 0..<kt { for dy in 0..<kh { for dx in 0..<kw {
                let ti = to * stride + dt - 2, yi = y + dy - (kh - 1) / 2, xi = xx + dx - (kw - 1) / 2
                guard ti >= 0, ti < t, yi >= 0, yi < h, xi >= 0, xi < w else { continue }
                s += Double(wt[(((co * cin + ci) * kt + dt) * kh + dy) * kw + dx]) * Double(x[((ci * t + ti) * h + yi) * w + xi])
            } } } }
            expected[((co * tOut + to) * h + y) * w + xx] = Float(s)
        } } } }
        #expect(tOut == (t + 2 - kt) / stride + 1)
        #expect(maxDiff(out, expected) < Tolerance.kernel)
    }

    @Test func nearestIndexFollowsPyTorch() {
        #expect(GroupNormKernel.NearestIndex.table(output: 8, input: 2) == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(GroupNormKernel.NearestIndex.table(output: 4, input: 2) == [0, 0, 1, 1])
        #expect(GroupNormKernel.NearestIndex.table(output: 5, input: 3) == [0, 0, 1, 1, 2])
    }
}
