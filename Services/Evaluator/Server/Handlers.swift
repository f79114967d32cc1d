import Emu3Proto
import EvaluatorEngine
import RPC

/// Decode, check, call the engine, encode. Nothing else.
enum Handlers {
    static func register(on host: ServiceHost) {
        let gate = host.makeAdmissionGate()
        host.server.register(Methods.Evaluator.dpoLoss, gate: gate) { (request: DpoLossRequest, context) in
            try context.checkContinue()
            let pairs = request.pairs.map {
                DPOLoss.Pair(policyChosen: $0.policyChosenLogprob, policyRejected: $0.policyRejectedLogprob,
                             referenceChosen: $0.referenceChosenLogprob, referenceRejected: $0.referenceRejectedLogprob)
            }
            let result = try DPOLoss.compute(pairs, beta: request.beta)
            var response = DpoLossResponse()
            response.losses = result.losses
            response.meanLoss = result.meanLoss
            response.rewardAccuracy = result.rewardAccuracy
            return response
        }
    }
}

extension EvaluatorError: StatusConvertible {
    public var statusCode: StatusCode {
        switch self {
        case .emptyBatch, .invalidBeta, .nonFiniteLogProb: .invalidArgument
        case .tooManyPairs: .resourceExhausted
        }
    }
}
