import Foundation

/// Small checkpoints committed under Tests/Fixtures, used by end-to-end tests so that each
/// service loads a real model without depending on the embedded default. Passed to the
/// services through their `EMU3_<SERVICE>_MODEL` variables (ServiceConfig's layering).
public enum TestModels {
    /// The repository root (this file is Shared/Emu3Testing/TestModels.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A tiny random Emu3 checkpoint (transformers layout, F32) for the backbone.
    public static var backbone: String { repositoryRoot.appendingPathComponent("Tests/Fixtures/backbone/gqa-f32").path }
    /// A tiny random VQ model (transformers `Emu3VQVAE` layout) for the vision tokenizer.
    public static var visionTokenizer: String { repositoryRoot.appendingPathComponent("Tests/Fixtures/vision/models/tiny-a").path }

    /// Environment that points every service at its test model (callers' values win).
    public static var environment: [String: String] {
        ["EMU3_BACKBONE_MODEL": backbone, "EMU3_VISION_TOKENIZER_MODEL": visionTokenizer]
    }
}
