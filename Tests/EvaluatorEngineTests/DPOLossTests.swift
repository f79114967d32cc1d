import EvaluatorEngine
import Foundation
import Testing

@Suite struct DPOLossTests {
    @Test func matchesTheClosedFormAndIsStableForLargeMargins() throws {
        let pairs = [
            DPOLoss.Pair(policyChosen: -10, policyRejected: -12, referenceChosen: -11, referenceRejected: -11),
            DPOLoss.Pair(policyChosen: -12, policyRejected: -10, referenceChosen: -11, referenceRejected: -11),
            DPOLoss.Pair(policyChosen: 0, policyRejected: -5000, referenceChosen: 0, referenceRejected: 0),
            DPOLoss.Pair(policyChosen: -5000, policyRejected: 0, referenceChosen: 0, referenceRejected: 0),
        ]
        let r = try DPOLoss.compute(pairs, beta: 0.1)
        // margin +2 → −log σ(0.2); margin −2 → −log σ(−0.2)
        #expect(abs(r.losses[0] - -log(1 / (1 + exp(-0.2)))) < 1e-12)
        #expect(abs(r.losses[1] - -log(1 / (1 + exp(0.2)))) < 1e-12)
        #expect(r.losses[2] < 1e-200 || r.losses[2] == 0)
        #expect(abs(r.losses[3] - 500) < 1e-9)
        #expect(r.rewardAccuracy == 0.5)
        #expect(abs(r.meanLoss - r.losses.reduce(0, +) / 4) < 1e-12)
    }

    @Test func rejectsBadBatches() {
        #expect(throws: EvaluatorError.emptyBatch) { try DPOLoss.compute([], beta: 0.1) }
        let p = DPOLoss.Pair(policyChosen: 0, policyRejected: 0, referenceChosen: 0, referenceRejected: .nan)
        #expect(throws: EvaluatorError.nonFiniteLogProb(pairIndex: 0)) { try DPOLoss.compute([p], beta: 0.1) }
        #expect(throws: EvaluatorError.invalidBeta(0)) { try DPOLoss.compute([p], beta: 0) }
    }
}
