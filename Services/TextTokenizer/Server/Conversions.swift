import Emu3Proto
import TextTokenizerEngine

/// Engine values ⇄ wire messages.
enum Conversions {
    static func response(_ special: Emu3SpecialTokens) -> SpecialTokensResponse {
        var r = SpecialTokensResponse()
        r.vocabSize = Int32(clamping: special.vocabularySize)
        r.padId = special.pad
        r.bosId = special.bos
        r.eosId = special.eos
        r.eolId = special.eol
        r.eofId = special.eof
        r.imageTokenId = special.imageToken
        r.imageStartId = special.imageStart
        r.imageEndId = special.imageEnd
        r.visualTokenOffset = special.visualOffset
        r.visualTokenCount = Int32(clamping: special.visualCount)
        return r
    }

    static func response(_ ids: [[Int32]]) -> EncodeResponse {
        EncodeResponse(results: ids.map { TokenIds(ids: $0) })
    }
}
