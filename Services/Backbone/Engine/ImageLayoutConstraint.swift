/// A requested image of `height` × `width` codes (spec §5.2, §6.1).
public struct ImageLayout: Sendable, Equatable {
    /// Code rows h.
    public var height: Int
    /// Codes per row w.
    public var width: Int

    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// New tokens for the whole image after `<|image token|>`: h·(w+1) + 3 (rows with EOL,
    /// then EOF, `<|image end|>`, EOS).
    public var tokenCount: Int { height * (width + 1) + 3 }
}

/// What the layout allows at one position.
enum LayoutStep: Equatable {
    /// Only this token (no sampling, no lm_head).
    case forced(Int32)
    /// Only visual tokens.
    case visual
}

/// Prefix-constrained decoding for one image (spec §6.2).
///
/// With p the index of the image's `<|image token|>` in the sequence and L the current
/// length, the token at L has offset o = L − p (o = 1 for the first code):
/// o mod (w+1) = 0 → EOL; else o = (w+1)·h + 1 → EOF; + 2 → `<|image end|>`; + 3 → EOS;
/// otherwise a visual token. The reference tests divisibility first for every o; we test it
/// only inside the rows (o ≤ (w+1)·h). That is the same for w ≥ 3, and keeps the tail
/// EOF, EOI, EOS well-formed for w ≤ 2, where the reference would emit EOL instead of EOI
/// (w = 1) or EOS (w = 2). Ids come from the checkpoint (`Emu3SpecialTokens`).
struct ImageLayoutConstraint {
    let layout: ImageLayout
    let tokens: Emu3SpecialTokens
    /// Index of the `<|image token|>` that opens this image.
    let imageTokenIndex: Int

    /// Locates the image start in `prompt`: the LAST `<|image token|>` (the spec's "first"
    /// is the same for a prompt holding one image; with an earlier input image in the
    /// prompt, the last one opens the image being generated).
    /// - Throws: `BackboneError.invalidLayout` if there is none, if the prompt already runs
    ///   past the image, or if the checkpoint has no visual tokens.
    init(layout: ImageLayout, tokens: Emu3SpecialTokens, prompt: [Int32]) throws(BackboneError) {
        guard layout.height >= 1, layout.width >= 1 else {
            throw .invalidLayout(height: layout.height, width: layout.width, reason: "height and width must be >= 1")
        }
        guard !tokens.visualIds.isEmpty else {
            throw .invalidLayout(height: layout.height, width: layout.width, reason: "the checkpoint has no visual tokens")
        }
        guard let p = prompt.lastIndex(of: tokens.imageToken) else {
            throw .invalidLayout(
                height: layout.height, width: layout.width,
                reason: "the prompt has no <|image token|> (id \(tokens.imageToken)) to start the image")
        }
        self.layout = layout
        self.tokens = tokens
        imageTokenIndex = p
        guard prompt.count - p <= layout.tokenCount else {
            throw .invalidLayout(height: layout.height, width: layout.width,
                                 reason: "the prompt already holds \(prompt.count - p - 1) tokens of the image")
        }
    }

    /// New tokens still to generate after a prompt of `promptLength` tokens.
    func remaining(promptLength: Int) -> Int { layout.tokenCount - (promptLength - 1 - imageTokenIndex) }

    /// The rule for the token at sequence index `length`.
    func step(at length: Int) -> LayoutStep {
        let o = length - imageTokenIndex
        let w1 = layout.width + 1
        let total = w1 * layout.height
        if o <= total && o % w1 == 0 { return .forced(tokens.eol) }
        if o == total + 1 { return .forced(tokens.eof) }
        if o == total + 2 { return .forced(tokens.imageEnd) }
        if o >= total + 3 { return .forced(tokens.eos.first ?? tokens.pad) }
        return .visual
    }
}
