// protobuf-c bridging for proto/emu3/v1/vision_tokenizer.proto (see CBridge.swift for the pattern).
internal import CEmu3Proto

extension CodeGrid: CBridged {
    static func cDefault() -> Emu3__V1__CodeGrid { cInitialised(emu3__v1__code_grid__init) }

    init(c: Emu3__V1__CodeGrid) {
        self.init(
            frames: c.frames,
            height: c.height,
            width: c.width,
            codes: CRead.array(c.codes, c.n_codes))
    }

    func fill(_ c: inout Emu3__V1__CodeGrid, _ arena: CArena) {
        c.frames = frames
        c.height = height
        c.width = width
        c.n_codes = codes.count
        c.codes = arena.array(codes)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension EncodeImageRequest: CBridged {
    static func cDefault() -> Emu3__V1__EncodeImageRequest { cInitialised(emu3__v1__encode_image_request__init) }

    init(c: Emu3__V1__EncodeImageRequest) {
        self.init(
            png: CRead.bytes(c.png),
            smartResize: c.smart_resize != 0)
    }

    func fill(_ c: inout Emu3__V1__EncodeImageRequest, _ arena: CArena) {
        c.png = arena.bytes(png)
        c.smart_resize = smartResize ? 1 : 0
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension EncodeImageResponse: CBridged {
    static func cDefault() -> Emu3__V1__EncodeImageResponse { cInitialised(emu3__v1__encode_image_response__init) }

    init(c: Emu3__V1__EncodeImageResponse) {
        self.init(
            codes: CRead.message(c.codes),
            width: c.width,
            height: c.height)
    }

    func fill(_ c: inout Emu3__V1__EncodeImageResponse, _ arena: CArena) {
        c.codes = arena.message(codes)
        c.width = width
        c.height = height
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension DecodeImageRequest: CBridged {
    static func cDefault() -> Emu3__V1__DecodeImageRequest { cInitialised(emu3__v1__decode_image_request__init) }

    init(c: Emu3__V1__DecodeImageRequest) {
        self.init(
            codes: CRead.message(c.codes),
            pngText: CRead.messages(c.png_text, c.n_png_text))
    }

    func fill(_ c: inout Emu3__V1__DecodeImageRequest, _ arena: CArena) {
        c.codes = arena.message(codes)
        c.n_png_text = pngText.count
        c.png_text = arena.messages(pngText)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension DecodeImageResponse: CBridged {
    static func cDefault() -> Emu3__V1__DecodeImageResponse { cInitialised(emu3__v1__decode_image_response__init) }

    init(c: Emu3__V1__DecodeImageResponse) {
        self.init(
            png: CRead.bytes(c.png),
            width: c.width,
            height: c.height)
    }

    func fill(_ c: inout Emu3__V1__DecodeImageResponse, _ arena: CArena) {
        c.png = arena.bytes(png)
        c.width = width
        c.height = height
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension EncodeVideoRequest: CBridged {
    static func cDefault() -> Emu3__V1__EncodeVideoRequest { cInitialised(emu3__v1__encode_video_request__init) }

    init(c: Emu3__V1__EncodeVideoRequest) {
        self.init(
            framesPng: CRead.byteArrays(c.frames_png, c.n_frames_png))
    }

    func fill(_ c: inout Emu3__V1__EncodeVideoRequest, _ arena: CArena) {
        c.n_frames_png = framesPng.count
        c.frames_png = arena.byteArrays(framesPng)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension EncodeVideoResponse: CBridged {
    static func cDefault() -> Emu3__V1__EncodeVideoResponse { cInitialised(emu3__v1__encode_video_response__init) }

    init(c: Emu3__V1__EncodeVideoResponse) {
        self.init(
            codes: CRead.message(c.codes))
    }

    func fill(_ c: inout Emu3__V1__EncodeVideoResponse, _ arena: CArena) {
        c.codes = arena.message(codes)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension DecodeVideoRequest: CBridged {
    static func cDefault() -> Emu3__V1__DecodeVideoRequest { cInitialised(emu3__v1__decode_video_request__init) }

    init(c: Emu3__V1__DecodeVideoRequest) {
        self.init(
            codes: CRead.message(c.codes))
    }

    func fill(_ c: inout Emu3__V1__DecodeVideoRequest, _ arena: CArena) {
        c.codes = arena.message(codes)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension DecodeVideoResponse: CBridged {
    static func cDefault() -> Emu3__V1__DecodeVideoResponse { cInitialised(emu3__v1__decode_video_response__init) }

    init(c: Emu3__V1__DecodeVideoResponse) {
        self.init(
            framesPng: CRead.byteArrays(c.frames_png, c.n_frames_png))
    }

    func fill(_ c: inout Emu3__V1__DecodeVideoResponse, _ arena: CArena) {
        c.n_frames_png = framesPng.count
        c.frames_png = arena.byteArrays(framesPng)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}
