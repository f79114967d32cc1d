// Swift values for proto/emu3/v1/vision_tokenizer.proto: the vision tokenizer service.
// Field names are the proto names in lowerCamelCase; the wire code is in the +ProtobufC file.

/// A grid of VQ codes, row-major: frames × height × width.
public struct CodeGrid: ProtoMessage {
    public var frames: Int32 = 0
    public var height: Int32 = 0
    public var width: Int32 = 0
    public var codes: [Int32] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(frames: Int32 = 0, height: Int32 = 0, width: Int32 = 0, codes: [Int32] = []) {
        self.frames = frames
        self.height = height
        self.width = width
        self.codes = codes
    }
}

public struct EncodeImageRequest: ProtoMessage {
    public var png: [UInt8] = []
    /// false: use the image size as it is (must be a multiple of the spatial factor);
    /// true (default for understanding): smart_resize as the reference processor (spec §4.1).
    public var smartResize: Bool = false

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(png: [UInt8] = [], smartResize: Bool = false) {
        self.png = png
        self.smartResize = smartResize
    }
}

public struct EncodeImageResponse: ProtoMessage {
    public var codes: CodeGrid? = nil
    /// size of the image that was encoded, after resizing
    public var width: Int32 = 0
    public var height: Int32 = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(codes: CodeGrid? = nil, width: Int32 = 0, height: Int32 = 0) {
        self.codes = codes
        self.width = width
        self.height = height
    }
}

public struct DecodeImageRequest: ProtoMessage {
    /// frames must be 1
    public var codes: CodeGrid? = nil
    /// tEXt chunks to write into the PNG
    public var pngText: [KeyValue] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(codes: CodeGrid? = nil, pngText: [KeyValue] = []) {
        self.codes = codes
        self.pngText = pngText
    }
}

public struct DecodeImageResponse: ProtoMessage {
    public var png: [UInt8] = []
    public var width: Int32 = 0
    public var height: Int32 = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(png: [UInt8] = [], width: Int32 = 0, height: Int32 = 0) {
        self.png = png
        self.width = width
        self.height = height
    }
}

public struct EncodeVideoRequest: ProtoMessage {
    /// a multiple of the temporal factor (4)
    public var framesPng: [[UInt8]] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(framesPng: [[UInt8]] = []) {
        self.framesPng = framesPng
    }
}

public struct EncodeVideoResponse: ProtoMessage {
    public var codes: CodeGrid? = nil

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(codes: CodeGrid? = nil) {
        self.codes = codes
    }
}

public struct DecodeVideoRequest: ProtoMessage {
    public var codes: CodeGrid? = nil

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(codes: CodeGrid? = nil) {
        self.codes = codes
    }
}

public struct DecodeVideoResponse: ProtoMessage {
    public var framesPng: [[UInt8]] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(framesPng: [[UInt8]] = []) {
        self.framesPng = framesPng
    }
}
