/// Checks on request input before any of it reaches a kernel.
enum RequestValidation {
    /// Every id in `0 ..< vocabularySize`, and the list not empty when `nonEmpty`.
    /// - Throws: `BackboneError.emptyTokens`, `.tokenOutOfVocabulary` (first offender).
    static func tokens(_ ids: [Int32], field: String, vocabularySize: Int, nonEmpty: Bool = true) throws(BackboneError) {
        if nonEmpty && ids.isEmpty { throw .emptyTokens(field: field) }
        if let i = ids.firstIndex(where: { $0 < 0 || Int($0) >= vocabularySize }) {
            throw .tokenOutOfVocabulary(field: field, index: i, id: ids[i], vocabularySize: vocabularySize)
        }
    }

    /// `length ≤ maxLength`.
    static func length(_ length: Int, field: String, maxLength: Int) throws(BackboneError) {
        guard length <= maxLength else { throw .sequenceTooLong(field: field, length: length, maxLength: maxLength) }
    }

    /// The generation request as a whole; returns the number of new tokens it can produce.
    static func generation(_ r: GenerationRequest, config c: Emu3TextConfiguration) throws(BackboneError) -> (
        newTokens: Int, layout: ImageLayoutConstraint?
    ) {
        try tokens(r.prompt, field: "prompt_ids", vocabularySize: c.vocabularySize)
        if let neg = r.negativePrompt {
            try tokens(neg, field: "negative_prompt_ids", vocabularySize: c.vocabularySize)
            guard r.cfgScale.isFinite else {
                throw .invalidParameter(field: "cfg_scale", value: "\(r.cfgScale)", allowed: "a finite number")
            }
        }
        try tokens(r.stopIds, field: "stop_ids", vocabularySize: c.vocabularySize, nonEmpty: false)
        guard r.maxNewTokens >= 1 else {
            throw .invalidParameter(field: "max_new_tokens", value: "\(r.maxNewTokens)", allowed: ">= 1")
        }
        try r.sampling.validate()
        var newTokens = r.maxNewTokens
        var constraint: ImageLayoutConstraint? = nil
        if let layout = r.layout {
            let k = try ImageLayoutConstraint(layout: layout, tokens: c.tokens, prompt: r.prompt)
            newTokens = min(newTokens, k.remaining(promptLength: r.prompt.count))
            constraint = k
        }
        // The last new token is never fed back, but keep the simple, documented bound.
        try length(r.prompt.count + newTokens, field: "prompt_ids + new tokens", maxLength: c.maxPositionEmbeddings)
        if let neg = r.negativePrompt {
            try length(neg.count + newTokens, field: "negative_prompt_ids + new tokens", maxLength: c.maxPositionEmbeddings)
        }
        return (newTokens, constraint)
    }
}
