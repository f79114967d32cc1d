/// The generator behind sampling: xoshiro256** (Blackman & Vigna, 2018) seeded by expanding
/// the 64-bit request seed with SplitMix64 (the seeding its authors recommend).
///
/// Documented so that a request's tokens are reproducible anywhere: the same seed, model,
/// prompt and parameters give the same tokens. One draw per sampled token:
/// `u = (next() >> 11) · 2⁻⁵³`, a uniform double in [0, 1).
public struct SeededRandom: Sendable, Equatable {
    private var s0, s1, s2, s3: UInt64

    /// - Parameter seed: any 64-bit value (0 is fine: SplitMix64 never yields an all-zero state).
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
