#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rotary position embedding in the rotate-half (GPT-NeoX) layout.
///
/// Emu3 spec §2.3: for i in [0, d/2), angle = p·θᵢ, x'ᵢ = xᵢ·cos − x_{i+d/2}·sin,
/// x'_{i+d/2} = x_{i+d/2}·cos + xᵢ·sin — pairs (i, i+d/2), not interleaved neighbours.
/// §9.29: the reference computes θᵢ, the angles and cos/sin in float32, so we do too
/// (angles at p ≈ 9k lose ~1e-3 rad in f32; matching the reference matters more than that).
public struct RotaryEmbedding: Sendable, Equatable {
    /// Per-head dimension d (even).
    public let headDim: Int
    /// θᵢ = 1 / base^(2i/d), i in [0, d/2), in float32 as transformers computes them.
    public let inverseFrequencies: [Float]

    /// - Parameters:
    ///   - headDim: d, even.
    ///   - base: rope_theta from the config (1e6 for Emu3).
    ///   - linearScalingFactor: transformers' `rope_type: "linear"` divides θᵢ by this factor.
    public init(headDim: Int, base: Double, linearScalingFactor: Double? = nil) {
        precondition(headDim > 0 && headDim % 2 == 0, "RoPE head dim \(headDim) must be even")
        self.headDim = headDim
        let b = Float(base)
        var inv = (0..<headDim / 2).map { i in 1 / powf(b, Float(2 * i) / Float(headDim)) }
        if let f = linearScalingFactor { inv = inv.map { $0 / Float(f) } }
        inverseFrequencies = inv
    }

    /// cos and sin tables [positions.count, d/2] for the given absolute positions.
    public func table(positions: [Int]) -> (cos: [Float], sin: [Float]) {
        let half = headDim / 2
        var c = [Float](repeating: 0, count: positions.count * half)
        var s = c
        for (t, p) in positions.enumerated() {
            let pf = Float(p)
            for i in 0..<half {
                let angle = pf * inverseFrequencies[i]
                c[t * half + i] = cosf(angle)
                s[t * half + i] = sinf(angle)
            }
        }
        return (c, s)
    }

    /// Rotates every head of rows `[rowStart, rowStart + table rows)` of x [T, heads·d] in place.
    /// - Parameters:
    ///   - x: activations; row r holds `heads` consecutive head vectors of length d.
    ///   - heads: heads per row.
    ///   - rowStart: first row to rotate; the table's row t applies to row rowStart + t.
    ///   - table: from `table(positions:)`.
    public func apply(_ x: inout Tensor, heads: Int, rowStart: Int = 0, table: (cos: [Float], sin: [Float])) {
        let half = headDim / 2
        let rows = table.cos.count / max(half, 1)
        precondition(x.shape.last == heads * headDim, "RoPE: x \(x.shape) vs \(heads)×\(headDim)")
        precondition((rowStart + rows) * heads * headDim <= x.count, "RoPE: rows out of range")
        x.makeUnique()
        let base = x.storage.pointer
        table.cos.withUnsafeBufferPointer { cb in
            table.sin.withUnsafeBufferPointer { sb in
                for t in 0..<rows {
                    let c = cb.baseAddress! + t * half
                    let s = sb.baseAddress! + t * half
                    let row = base + (rowStart + t) * heads * headDim
                    for h in 0..<heads {
                        let v = row + h * headDim
                        for i in 0..<half {
                            let a = v[i]
                            let b = v[i + half]
                            v[i] = a * c[i] - b * s[i]
                            v[i + half] = b * c[i] + a * s[i]
                        }
                    }
                }
            }
        }
    }
}
