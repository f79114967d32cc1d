#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Row-wise normalisation, activation and residual kernels on [rows, d] Float32 tensors.
public enum Elementwise {
    /// RMSNorm per row: `out = weight ⊙ (x / sqrt(mean(x²) + eps))`.
    /// Emu3 spec §2.2: statistics in f32 (we accumulate the sum of squares in f64, which only
    /// removes rounding), normalise, then multiply by the weight — the reference's order.
    /// - Parameters: x [rows, d]; weight [d]; out resized to x's shape.
    public static func rmsNorm(_ x: Tensor, weight: [Float], eps: Float, into out: inout Tensor) {
        let d = weight.count
        precondition(x.shape.last == d, "rmsNorm: x \(x.shape) vs weight [\(d)]")
        out.resize(to: x.shape)
        out.makeUnique()
        let rows = x.count / max(d, 1)
        let src = x.storage.pointer
        let dst = out.storage.pointer
        weight.withUnsafeBufferPointer { w in
            for r in 0..<rows {
                let xr = src + r * d
                let yr = dst + r * d
                var ss: Double = 0
                for i in 0..<d { ss += Double(xr[i]) * Double(xr[i]) }
                let variance = Float(ss / Double(d))
                let scale = 1 / (variance + eps).squareRoot()
                for i in 0..<d { yr[i] = w[i] * (xr[i] * scale) }
            }
        }
    }

    /// SwiGLU gate in place: `gate = SiLU(gate) ⊙ up`, SiLU(z) = z·σ(z). Shapes equal.
    public static func siluMultiply(_ gate: inout Tensor, _ up: Tensor) {
        precondition(gate.shape == up.shape, "siluMultiply: \(gate.shape) vs \(up.shape)")
        gate.makeUnique()
        let g = gate.storage.pointer
        let u = up.storage.pointer
        for i in 0..<gate.count {
            let z = g[i]
            g[i] = z / (1 + expf(-z)) * u[i]
        }
    }

    /// Residual add in place: `x += y`. Shapes equal.
    public static func add(_ x: inout Tensor, _ y: Tensor) {
        precondition(x.count == y.count, "add: \(x.shape) vs \(y.shape)")
        x.makeUnique()
        let a = x.storage.pointer
        let b = y.storage.pointer
        for i in 0..<x.count { a[i] += b[i] }
    }

    /// Copies rows `[from, from+count)` of `src` ([rows, d]) into `dst` starting at row `to`.
    public static func copyRows(_ src: Tensor, from: Int, count: Int, into dst: inout Tensor, to: Int) {
        let d = src.shape.last ?? 1
        precondition(dst.shape.last == d, "copyRows: \(src.shape) vs \(dst.shape)")
        precondition(from + count <= src.count / max(d, 1) && to + count <= dst.count / max(d, 1))
        dst.makeUnique()
        (dst.storage.pointer + to * d).update(from: src.storage.pointer + from * d, count: count * d)
    }
}

/// Softmax-family reductions over one row of logits.
public enum Softmax {
    /// log Σ exp(xᵢ) over `values`, stable (max-shifted, accumulated in f64). −∞ for an empty
    /// row or one that is all −∞.
    public static func logSumExp(_ values: UnsafeBufferPointer<Float>) -> Float {
        var m = -Float.infinity
        for v in values where v > m { m = v }
        guard m > -.infinity else { return -.infinity }
        if m == .infinity { return .infinity }
        var s: Double = 0
        for v in values { s += Double(expf(v - m)) }
        return m + Float(log(s))
    }

    /// log Σ exp over row `row` of a [rows, n] tensor.
    public static func logSumExp(_ logits: Tensor, row: Int) -> Float {
        let n = logits.shape.last ?? 0
        return logSumExp(UnsafeBufferPointer(start: logits.storage.pointer + row * n, count: n))
    }

    /// In-place log-softmax of each row of a [rows, n] tensor.
    public static func logSoftmaxRows(_ logits: inout Tensor) {
        let n = logits.shape.last ?? 0
        guard n > 0 else { return }
        logits.makeUnique()
        let rows = logits.count / n
        for r in 0..<rows {
            let p = logits.storage.pointer + r * n
            let lse = logSumExp(UnsafeBufferPointer(start: p, count: n))
            for i in 0..<n { p[i] -= lse }
        }
    }

    /// Index of the largest value (the first on ties; NaN never wins), or nil when empty.
    public static func argmax(_ values: UnsafeBufferPointer<Float>) -> Int? {
        var best: Int? = nil
        var bestValue = -Float.infinity
        for (i, v) in values.enumerated() where v > bestValue || (best == nil && v == bestValue) {
            best = i
            bestValue = v
        }
        return best
    }
}
