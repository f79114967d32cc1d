// Swift values for proto/emu3/v1/orchestrator.proto: the orchestrator's pipelines.
// Field names are the proto names in lowerCamelCase; the wire code is in the +ProtobufC file.

public struct GenerateImageRequest: ProtoMessage {
    public var prompt: String = ""
    /// Empty: the model's default negative prompt.
    public var negativePrompt: String = ""
    /// "W:H"; empty: 1:1.
    public var ratio: String = ""
    /// Pixels; 0: the model's image area.
    public var area: Int64 = 0
    public var cfgScale: Float = 0
    public var topK: Int32 = 0
    public var topP: Float = 0
    public var temperature: Float = 0
    public var seed: UInt64 = 0

    public init() {}
}

public struct GenerateImageResponse: ProtoMessage {
    public var png: [UInt8] = []
    public var width: Int32 = 0
    public var height: Int32 = 0
    public var seed: UInt64 = 0
    public var tokenIds: [Int32] = []
    public var elapsedMs: Int64 = 0

    public init() {}
}

public struct UnderstandRequest: ProtoMessage {
    public var png: [UInt8] = []
    public var question: String = ""
    /// 0: the default (1024).
    public var maxTokens: Int32 = 0

    public init() {}
}

public struct UnderstandResponse: ProtoMessage {
    public var text: String = ""
    public var tokenIds: [Int32] = []
    public var elapsedMs: Int64 = 0

    public init() {}
}
