import Emu3Proto
import ImageIO
import RPC
import VisionTokenizerEngine

/// Proto ⇄ engine types.
enum Conversions {
    /// A request's code grid; a missing grid or negative sizes are INVALID_ARGUMENT (the
    /// engine checks shape, budget and code range).
    static func grid(_ proto: Emu3Proto.CodeGrid?) throws -> VisionTokenizerEngine.CodeGrid {
        guard let proto else { throw RPCError(.invalidArgument, "codes are missing") }
        return VisionTokenizerEngine.CodeGrid(
            frames: Int(proto.frames), height: Int(proto.height), width: Int(proto.width), codes: proto.codes)
    }

    static func grid(_ grid: VisionTokenizerEngine.CodeGrid) -> Emu3Proto.CodeGrid {
        Emu3Proto.CodeGrid(frames: Int32(grid.frames), height: Int32(grid.height), width: Int32(grid.width), codes: grid.codes)
    }

    /// The caller's text chunks, with a "Software" entry added when the caller gave none.
    static func text(_ pairs: [KeyValue]) -> [PNGTextEntry] {
        var entries = pairs.map { PNGTextEntry(key: $0.key, value: $0.value) }
        if !entries.contains(where: { $0.key == "Software" }) {
            entries.insert(PNGTextEntry(key: "Software", value: "emu3-swift \(emu3Version) emu3-vision-tokenizer"), at: 0)
        }
        return entries
    }

    /// The engine's between-layers check: cancellation first, then the deadline.
    static func stopCheck(_ context: RequestContext) -> StopCheck {
        {
            if context.cancellation.isCancelled { return .cancelled }
            if context.deadline.hasPassed { return .deadlineExceeded }
            return nil
        }
    }
}
