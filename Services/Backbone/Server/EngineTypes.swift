// Engine types whose names the proto module also uses (ImageLayout, ScoreItem,
// TokenLogProbs). This file imports only the engine, so the aliases are unambiguous.
import BackboneEngine

typealias EngineImageLayout = ImageLayout
typealias EngineScoreItem = ScoreItem
typealias EngineTokenLogProbs = TokenLogProbs
