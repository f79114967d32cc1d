// Original BAAI → transformers tensor names (spec §3.8).
import Testing
@testable import VisionTokenizerEngine

@Suite struct WeightNamesTests {
    @Test(arguments: [
        ("encoder.down.3.attn.0.norm.weight", "encoder.down_block.down.3.attn_norms.0.weight"),
        ("decoder.up.3.attn.2.norm.conv_y.bias", "decoder.up_block.up.3.attn_norms.2.conv_y.bias"),
        ("encoder.down.1.block.0.nin_shortcut.weight", "encoder.down_block.down.1.block.0.nin_shortcut.weight"),
        ("decoder.up.0.block.2.norm1.norm_layer.weight", "decoder.up_block.up.0.block.2.norm1.norm_layer.weight"),
        ("encoder.mid.attn_1.norm.bias", "encoder.middle_block.attn_norm.bias"),
        ("decoder.mid.attn_1.norm.norm_layer.weight", "decoder.middle_block.attn_norm.norm_layer.weight"),
        ("encoder.mid.block_1.conv1.weight", "encoder.middle_block.block_1.conv1.weight"),
        ("encoder.down.3.attn.1.q.weight", "encoder.down_block.down.3.attn.1.q_proj.weight"),
        ("decoder.up.3.attn.0.proj_out.bias", "decoder.up_block.up.3.attn.0.out_proj.bias"),
        ("decoder.mid.attn_1.v.weight", "decoder.middle_block.attn_1.v_proj.weight"),
        ("encoder.time_conv.0.conv.conv.weight", "encoder.time_conv.0.conv.conv.weight"),
        ("decoder.time_res_stack.1.norm2.running_var", "decoder.time_res_stack.1.norm2.running_var"),
        ("quantize.embedding.weight", "quantize.embedding.weight"),
        ("post_quant_conv.conv.bias", "post_quant_conv.conv.bias"),
        // transformers names are fixed points
        ("encoder.down_block.down.3.attn.0.q_proj.weight", "encoder.down_block.down.3.attn.0.q_proj.weight"),
        ("decoder.up_block.up.3.attn_norms.0.norm_layer.weight", "decoder.up_block.up.3.attn_norms.0.norm_layer.weight"),
    ])
    func canonicalName(original: String, expected: String) {
        #expect(VQWeightNames.canonical(original) == expected)
    }

    @Test func prefixes() {
        #expect(VQWeightNames.prefix(of: ["model.text_model.embed_tokens.weight", "model.vqmodel.encoder.conv_in.weight"]) == "model.vqmodel.")
        #expect(VQWeightNames.prefix(of: ["vqmodel.quantize.embedding.weight", "text_model.lm_head.weight"]) == "vqmodel.")
        #expect(VQWeightNames.prefix(of: ["encoder.conv_in.weight"]) == "")
        #expect(VQWeightNames.prefix(of: ["lm_head.weight"]) == nil)
    }
}
