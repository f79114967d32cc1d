import Foundation

/// Small checkpoints committed under Tests/Fixtures, used by end-to-end tests so that each
/// service loads a real model without depending on the embedded default. Passed to the
/// services through their `EMU3_<SERVICE>_MODEL` variables (ServiceConfig's layering).
public enum TestModels {
    /// The repository root (this file is Shared/Emu3Testing/TestModels.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The embedded emu3-tiny (models/emu3-tiny): one trained model for all four services.
    public static var embedded: String { repositoryRoot.appendingPathComponent("models/emu3-tiny").path }

    /// A tiny random Emu3 checkpoint (transformers layout, F32) for the backbone.
    public static var backbone: String { repositoryRoot.appendingPathComponent("Tests/Fixtures/backbone/gqa-f32").path }
    /// A tiny random VQ model (transformers `Emu3VQVAE` layout) for the vision tokenizer.
    public static var visionTokenizer: String { repositoryRoot.appendingPathComponent("Tests/Fixtures/vision/models/tiny-a").path }

    /// Exports `environment` into this process once (values already set win), so services
    /// started by in-process code (the supervisor) inherit the test models too.
    public static func exportToEnvironment() { _ = exported }

    private static let exported: Bool = {
        for (k, v) in environment { setenv(k, v, 0) }
        return true
    }()

    /// A small byte-level BPE tokenizer.json with the Emu3 special names (a folder holding it).
    public static var textTokenizer: String { repositoryRoot.appendingPathComponent("Tests/Fixtures/text/tiny-model").path }

    /// Environment that points every service at its test model (callers' values win).
    public static var environment: [String: String] {
        ["EMU3_BACKBONE_MODEL": backbone, "EMU3_VISION_TOKENIZER_MODEL": visionTokenizer,
         "EMU3_TEXT_TOKENIZER_MODEL": textTokenizer]
    }
}
