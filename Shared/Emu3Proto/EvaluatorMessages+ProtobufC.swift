// protobuf-c bridging for proto/emu3/v1/evaluator.proto (see CBridge.swift for the pattern).
internal import CEmu3Proto

extension DpoPair: CBridged {
    static func cDefault() -> Emu3__V1__DpoPair { cInitialised(emu3__v1__dpo_pair__init) }

    init(c: Emu3__V1__DpoPair) {
        self.init(
            policyChosenLogprob: c.policy_chosen_logprob,
            policyRejectedLogprob: c.policy_rejected_logprob,
            referenceChosenLogprob: c.reference_chosen_logprob,
            referenceRejectedLogprob: c.reference_rejected_logprob)
    }

    func fill(_ c: inout Emu3__V1__DpoPair, _ arena: CArena) {
        c.policy_chosen_logprob = policyChosenLogprob
        c.policy_rejected_logprob = policyRejectedLogprob
        c.reference_chosen_logprob = referenceChosenLogprob
        c.reference_rejected_logprob = referenceRejectedLogprob
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension DpoLossRequest: CBridged {
    static func cDefault() -> Emu3__V1__DpoLossRequest { cInitialised(emu3__v1__dpo_loss_request__init) }

    init(c: Emu3__V1__DpoLossRequest) {
        self.init(
            pairs: CRead.messages(c.pairs, c.n_pairs),
            beta: c.beta)
    }

    func fill(_ c: inout Emu3__V1__DpoLossRequest, _ arena: CArena) {
        c.n_pairs = pairs.count
        c.pairs = arena.messages(pairs)
        c.beta = beta
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension DpoLossResponse: CBridged {
    static func cDefault() -> Emu3__V1__DpoLossResponse { cInitialised(emu3__v1__dpo_loss_response__init) }

    init(c: Emu3__V1__DpoLossResponse) {
        self.init(
            losses: CRead.array(c.losses, c.n_losses),
            meanLoss: c.mean_loss,
            rewardAccuracy: c.reward_accuracy)
    }

    func fill(_ c: inout Emu3__V1__DpoLossResponse, _ arena: CArena) {
        c.n_losses = losses.count
        c.losses = arena.array(losses)
        c.mean_loss = meanLoss
        c.reward_accuracy = rewardAccuracy
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}
