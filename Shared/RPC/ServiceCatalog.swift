/// The services of emu3-swift, their defaults (RELIABILITY.md §6.2, §6.3) and the method
/// names they serve. The orchestrator uses the same table to find them.
public enum ServiceCatalog {
    public static let textTokenizer = ServiceDescriptor(
        name: "text-tokenizer",
        defaults: ServiceDescriptor.standardDefaults(service: "text-tokenizer", recvMaxBytes: 1 << 20, maxInFlight: 64))
    public static let visionTokenizer = ServiceDescriptor(
        name: "vision-tokenizer",
        defaults: ServiceDescriptor.standardDefaults(service: "vision-tokenizer", recvMaxBytes: 24 << 20, maxInFlight: 2))
    public static let backbone = ServiceDescriptor(
        name: "backbone",
        defaults: ServiceDescriptor.standardDefaults(service: "backbone", recvMaxBytes: 4 << 20, maxInFlight: 1,
                                                     graceSeconds: 90))
    public static let evaluator = ServiceDescriptor(
        name: "evaluator",
        defaults: ServiceDescriptor.standardDefaults(service: "evaluator", recvMaxBytes: 64 << 20, maxInFlight: 4))

    /// The orchestrator's own service side (pipelines for clients in any language).
    public static let orchestrator = ServiceDescriptor(
        name: "orchestrator",
        defaults: ServiceDescriptor.standardDefaults(service: "orchestrator", recvMaxBytes: 24 << 20, maxInFlight: 4,
                                                     graceSeconds: 90))

    /// The four serving processes the orchestrator starts and checks.
    public static let services: [ServiceDescriptor] = [textTokenizer, visionTokenizer, backbone, evaluator]

    public static func named(_ name: String) -> ServiceDescriptor? {
        (services + [orchestrator]).first { $0.name == name || $0.processName == name }
    }
}

/// Method names (gRPC style) of every service, in one table.
public enum Methods {
    public enum TextTokenizer {
        public static let encode = "/emu3.v1.TextTokenizer/Encode"
        public static let decode = "/emu3.v1.TextTokenizer/Decode"
        public static let specialTokens = "/emu3.v1.TextTokenizer/SpecialTokens"
    }
    public enum VisionTokenizer {
        public static let encodeImage = "/emu3.v1.VisionTokenizer/EncodeImage"
        public static let decodeImage = "/emu3.v1.VisionTokenizer/DecodeImage"
        public static let encodeVideo = "/emu3.v1.VisionTokenizer/EncodeVideo"
        public static let decodeVideo = "/emu3.v1.VisionTokenizer/DecodeVideo"
    }
    public enum Backbone {
        public static let generate = "/emu3.v1.Backbone/Generate"
        public static let progress = "/emu3.v1.Backbone/Progress"
        public static let cancel = "/emu3.v1.Backbone/Cancel"
        public static let score = "/emu3.v1.Backbone/Score"
    }
    public enum Orchestrator {
        public static let generateImage = "/emu3.v1.Orchestrator/GenerateImage"
        public static let understand = "/emu3.v1.Orchestrator/Understand"
    }
    public enum Evaluator {
        public static let dpoLoss = "/emu3.v1.Evaluator/DpoLoss"
    }
}
