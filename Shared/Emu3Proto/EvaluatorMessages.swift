// Swift values for proto/emu3/v1/evaluator.proto: the evaluator service.
// Field names are the proto names in lowerCamelCase; the wire code is in the +ProtobufC file.

/// Standard DPO: -log σ(β[(π_c − ref_c) − (π_r − ref_r)]) over summed log-probabilities.
public struct DpoPair: ProtoMessage {
    public var policyChosenLogprob: Double = 0
    public var policyRejectedLogprob: Double = 0
    public var referenceChosenLogprob: Double = 0
    public var referenceRejectedLogprob: Double = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(
        policyChosenLogprob: Double = 0,
        policyRejectedLogprob: Double = 0,
        referenceChosenLogprob: Double = 0,
        referenceRejectedLogprob: Double = 0
    ) {
        self.policyChosenLogprob = policyChosenLogprob
        self.policyRejectedLogprob = policyRejectedLogprob
        self.referenceChosenLogprob = referenceChosenLogprob
        self.referenceRejectedLogprob = referenceRejectedLogprob
    }
}

public struct DpoLossRequest: ProtoMessage {
    public var pairs: [DpoPair] = []
    public var beta: Double = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(pairs: [DpoPair] = [], beta: Double = 0) {
        self.pairs = pairs
        self.beta = beta
    }
}

public struct DpoLossResponse: ProtoMessage {
    public var losses: [Double] = []
    public var meanLoss: Double = 0
    /// share of pairs whose implied reward prefers chosen
    public var rewardAccuracy: Double = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(losses: [Double] = [], meanLoss: Double = 0, rewardAccuracy: Double = 0) {
        self.losses = losses
        self.meanLoss = meanLoss
        self.rewardAccuracy = rewardAccuracy
    }
}
