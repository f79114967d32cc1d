#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to pick each sampled token (spec §6.4). Validated by `validate()`.
public struct SamplingParameters: Sendable, Equatable {
    /// Argmax (first id on ties); the other fields are then ignored.
    public var greedy: Bool
    /// Divides the scores; > 0. 1 leaves them unchanged.
    public var temperature: Float
    /// Keep the tokens scoring ≥ the k-th best (ties may keep more); nil = no filter. ≥ 1.
    public var topK: Int?
    /// Nucleus: keep the smallest high-probability set reaching this mass; in (0, 1]. 1 = off.
    public var topP: Float
    /// Seed of the documented generator (`SeededRandom`).
    public var seed: UInt64

    public init(greedy: Bool = false, temperature: Float = 1, topK: Int? = nil, topP: Float = 1, seed: UInt64 = 0) {
        self.greedy = greedy
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
    }

    /// Greedy decoding.
    public static let greedy = SamplingParameters(greedy: true)

    /// - Throws: `BackboneError.invalidParameter` naming the field.
    public func validate() throws(BackboneError) {
        if greedy { return }
        guard temperature.isFinite, temperature > 0 else {
            throw .invalidParameter(field: "temperature", value: "\(temperature)", allowed: "a finite number > 0")
        }
        if let k = topK, k < 1 {
            throw .invalidParameter(field: "top_k", value: "\(k)", allowed: ">= 1 (or unset)")
        }
        guard topP.isFinite, topP > 0, topP <= 1 else {
            throw .invalidParameter(field: "top_p", value: "\(topP)", allowed: "in (0, 1]")
        }
    }
}

/// Turns one step's scores into a token, in transformers' processor order (§6.4):
/// temperature → top-k → top-p → softmax → one multinomial draw (CFG and the layout mask
/// have already been applied by the caller; disallowed scores are −∞).
///
/// The draw: with the kept tokens' probabilities pᵢ (f64, in ascending index order) and
/// u = `rng.nextUnit()`, the first index whose running sum exceeds u·Σpᵢ.
struct Sampler {
    let parameters: SamplingParameters
    var rng: SeededRandom
    private var work: [Float] = []

    init(_ parameters: SamplingParameters) {
        self.parameters = parameters
        rng = SeededRandom(seed: parameters.seed)
    }

    /// Picks an index into `scores` (the caller maps it to a token id).
    mutating func choose(_ scores: inout [Float]) -> Int {
        if parameters.greedy { return Self.argmax(scores) }
        let t = parameters.temperature
        if t != 1 { for i in scores.indices { scores[i] /= t } }
        if let k = parameters.topK, k < scores.count {
            let threshold = kthLargest(scores, k)
            for i in scores.indices where scores[i] < threshold { scores[i] = -.infinity }
        }
        if parameters.topP < 1 { applyTopP(&scores) }
        var m = -Float.infinity
        for s in scores where s > m { m = s }
        guard m > -.infinity else { return Self.argmax(scores) }  // nothing allowed: keep argmax's rule
        var total: Double = 0
        for s in scores where s > -.infinity { total += exp(Double(s - m)) }
        let target = rng.nextUnit() * total
        var running: Double = 0
        var last = 0
        for (i, s) in scores.enumerated() where s > -.infinity {
            running += exp(Double(s - m))
            last = i
            if running > target { return i }
        }
        return last
    }

    /// First index of the maximum (NaN never wins); 0 for an all −∞ row.
    static func argmax(_ scores: [Float]) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for (i, s) in scores.enumerated() where s > bestValue {
            best = i
            bestValue = s
        }
        return best
    }

    /// transformers' TopPLogitsWarper: sort ascending, cumulative softmax; drop tokens whose
    /// cumulative mass ≤ 1 − p, never the best one. Ties sort by index (stable).
    private func applyTopP(_ scores: inout [Float]) {
        let finite = scores.indices.filter { scores[$0] > -.infinity }
        guard finite.count > 1 else { return }
        let order = finite.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        let m = Double(scores[order.last!])
        let weights = order.map { exp(Double(scores[$0]) - m) }
        let total = weights.reduce(0, +)
        let cut = 1 - Double(parameters.topP)
        var cumulative: Double = 0
        for (j, i) in order.enumerated() where j < order.count - 1 {
            cumulative += weights[j] / total
            if cumulative <= cut { scores[i] = -.infinity } else { break }
        }
    }

    /// The k-th largest value (k ≥ 1) by quickselect on a scratch copy: O(n) per step, which
    /// matters at 32k–184k candidates × thousands of steps.
    private mutating func kthLargest(_ scores: [Float], _ k: Int) -> Float {
        work = scores
        let target = k - 1  // index in descending order
        var lo = 0, hi = work.count - 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            // median of three as pivot
            let a = work[lo], b = work[mid], c = work[hi]
            let pivot = max(min(a, b), min(max(a, b), c))
            var i = lo, j = hi
            while i <= j {
                while work[i] > pivot { i += 1 }
                while work[j] < pivot { j -= 1 }
                if i <= j {
                    work.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j { hi = j } else if target >= i { lo = i } else { return work[target] }
        }
        return work[target]
    }
}
