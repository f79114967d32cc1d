// Checkpoint tensor names → the canonical (transformers `Emu3VQVAE`) names the model is built
// from (spec §3.8 table; both full-size key lists are in Tests/Fixtures/vision/keys).
//
// Accepted: original BAAI names (`encoder.down.0.block.0...`, `...attn.0.q.weight [C,C,1,1]`),
// transformers names (`encoder.down_block.down.0...`, `...attn.0.q_proj.weight [C,C]`), and
// either under the combined-checkpoint prefixes `vqmodel.` / `model.vqmodel.` (spec §1.3, §9.23).

/// Name mapping between checkpoint layouts.
public enum VQWeightNames {
    /// Prefixes a VQ may sit under in a combined (LLM + VQ) checkpoint, longest first.
    public static let combinedPrefixes = ["model.vqmodel.", "vqmodel."]
    /// First components of every VQ tensor name.
    static let roots = ["encoder.", "decoder.", "quantize.", "quant_conv.", "post_quant_conv."]

    /// The prefix the VQ tensors of a checkpoint use ("" for a standalone VQ file), or nil when
    /// no tensor looks like a VQ tensor.
    public static func prefix(of names: [String]) -> String? {
        for prefix in combinedPrefixes + [""] {
            if names.contains(where: { name in roots.contains { name.hasPrefix(prefix + $0) } }) { return prefix }
        }
        return nil
    }

    /// The canonical name of a checkpoint tensor name (after its prefix is removed).
    /// Applies the spec §3.8 renames in order; transformers names pass through unchanged.
    public static func canonical(_ name: String) -> String {
        var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { return name }
        // encoder.down.{L}.attn.{j}.norm.* → encoder.down_block.down.{L}.attn_norms.{j}.*  (same for decoder.up)
        if (parts[0] == "encoder" && parts[1] == "down") || (parts[0] == "decoder" && parts[1] == "up") {
            parts.insert(parts[0] == "encoder" ? "down_block" : "up_block", at: 1)
            if parts.count >= 7, parts[4] == "attn", parts[6] == "norm" {
                parts[4] = "attn_norms"
                parts.remove(at: 6)
            }
        }
        // {encoder,decoder}.mid.attn_1.norm.* → {…}.middle_block.attn_norm.*; mid.* → middle_block.*
        if parts[0] == "encoder" || parts[0] == "decoder", parts[1] == "mid" {
            parts[1] = "middle_block"
            if parts.count >= 4, parts[2] == "attn_1", parts[3] == "norm" {
                parts[2] = "attn_norm"
                parts.remove(at: 3)
            }
        }
        // *.attn.{j}.{q,k,v,proj_out} and *.attn_1.{…} → {q_proj,k_proj,v_proj,out_proj}
        let renames = ["q": "q_proj", "k": "k_proj", "v": "v_proj", "proj_out": "out_proj"]
        for i in parts.indices.dropFirst() where parts.count > i + 1 {
            let parentIsAttention = parts[i - 1] == "attn_1" || (i >= 2 && parts[i - 2] == "attn" && Int(parts[i - 1]) != nil)
            if parentIsAttention, let renamed = renames[parts[i]] { parts[i] = renamed }
        }
        return parts.joined(separator: ".")
    }

    /// True for tensors a loader may ignore (BatchNorm's int64 step counter).
    public static func isIgnorable(_ canonicalName: String) -> Bool {
        canonicalName.hasSuffix(".num_batches_tracked")
    }
}
