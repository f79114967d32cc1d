import Foundation

/// Direct Preference Optimisation loss (Rafailov et al. 2023), as the Emu3 paper uses it for
/// generation post-training (arXiv 2409.18869 §2.3; β is not stated there, spec §8 [U]):
/// loss = −log σ(β[(log πθ(c) − log πref(c)) − (log πθ(r) − log πref(r))]).
public enum DPOLoss {
    /// Summed log-probabilities of one preference pair under the policy and the reference.
    public struct Pair: Sendable, Equatable {
        public var policyChosen: Double
        public var policyRejected: Double
        public var referenceChosen: Double
        public var referenceRejected: Double

        public init(policyChosen: Double, policyRejected: Double, referenceChosen: Double, referenceRejected: Double) {
            self.policyChosen = policyChosen
            self.policyRejected = policyRejected
            self.referenceChosen = referenceChosen
            self.referenceRejected = referenceRejected
        }

        /// β-free margin: (πc − refc) − (πr − refr).
        public var margin: Double { (policyChosen - referenceChosen) - (policyRejected - referenceRejected) }
    }

    public struct Result: Sendable, Equatable {
        public var losses: [Double]
        public var meanLoss: Double
        /// Share of pairs whose implied reward prefers the chosen sample (margin > 0).
        public var rewardAccuracy: Double
    }

    /// Pairs accepted in one call.
    public static let maxPairs = 100_000

    /// - Throws: `EvaluatorError` for an empty or oversized batch, β ≤ 0 or not finite, or
    ///   a non-finite log-probability (naming the pair).
    public static func compute(_ pairs: [Pair], beta: Double) throws(EvaluatorError) -> Result {
        guard !pairs.isEmpty else { throw .emptyBatch }
        guard pairs.count <= maxPairs else { throw .tooManyPairs(pairs.count, limit: maxPairs) }
        guard beta.isFinite, beta > 0 else { throw .invalidBeta(beta) }
        var losses: [Double] = []
        losses.reserveCapacity(pairs.count)
        var wins = 0
        for (i, p) in pairs.enumerated() {
            let values = [p.policyChosen, p.policyRejected, p.referenceChosen, p.referenceRejected]
            guard values.allSatisfy(\.isFinite) else { throw .nonFiniteLogProb(pairIndex: i) }
            losses.append(softplus(-beta * p.margin))
            if p.margin > 0 { wins += 1 }
        }
        let mean = losses.reduce(0, +) / Double(losses.count)
        return Result(losses: losses, meanLoss: mean, rewardAccuracy: Double(wins) / Double(pairs.count))
    }

    /// log(1 + eˣ) without overflow: −log σ(z) = softplus(−z).
    static func softplus(_ x: Double) -> Double {
        x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
    }
}

public enum EvaluatorError: Error, Equatable, CustomStringConvertible {
    case emptyBatch
    case tooManyPairs(Int, limit: Int)
    case invalidBeta(Double)
    case nonFiniteLogProb(pairIndex: Int)

    public var description: String {
        switch self {
        case .emptyBatch: "pairs is empty"
        case .tooManyPairs(let n, let limit): "\(n) pairs is more than the limit of \(limit)"
        case .invalidBeta(let b): "beta must be a finite number > 0, got \(b)"
        case .nonFiniteLogProb(let i): "pair \(i) has a log-probability that is not finite"
        }
    }
}
