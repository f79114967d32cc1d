// A small JSON reader for tokenizer.json that keeps the line of every value, so a malformed
// file gets an error naming file and line (Foundation's JSONSerialization gives neither the
// line nor a typed error, and builds NSDictionary for the 150 k-entry vocabulary).

/// A parsed JSON value with the 1-based line it starts on.
struct JSONValue: Sendable {
    enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSONValue])
        /// Members in file order.
        case object([(key: String, value: JSONValue)])
    }

    let kind: Kind
    let line: Int

    /// The member `key` of an object (the first, if repeated), or nil.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = kind else { return nil }
        return members.first { $0.key == key }?.value
    }

    var string: String? { if case .string(let s) = kind { s } else { nil } }
    var bool: Bool? { if case .bool(let b) = kind { b } else { nil } }
    var array: [JSONValue]? { if case .array(let a) = kind { a } else { nil } }
    var isNull: Bool { if case .null = kind { true } else { false } }
    var members: [(key: String, value: JSONValue)]? { if case .object(let m) = kind { m } else { nil } }

    /// An integer value (a number with no fractional part), or nil.
    var int: Int? {
        guard case .number(let d) = kind, d == d.rounded(), abs(d) < 9e15 else { return nil }
        return Int(d)
    }
}

/// A syntax error: what was expected and the 1-based line.
struct JSONSyntaxError: Error {
    let line: Int
    let message: String
}

/// Recursive-descent JSON parser over UTF-8 bytes (RFC 8259; nesting limited to 256).
struct JSONParser {
    private let p: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var line = 1
    private var depth = 0

    /// Parses one JSON document from `bytes`.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(p: bytes)
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.i == bytes.count else { throw parser.error("trailing characters after the JSON value") }
        return value
    }

    private init(p: UnsafeBufferPointer<UInt8>) { self.p = p }

    private func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(line: line, message: message) }

    private mutating func skipSpace() {
        while i < p.count {
            switch p[i] {
            case 0x0A: line += 1
            case 0x20, 0x09, 0x0D: break
            default: return
            }
            i += 1
        }
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard i < p.count else { throw error("unexpected end of file") }
        let startLine = line
        switch p[i] {
        case UInt8(ascii: "{"): return JSONValue(kind: try object(), line: startLine)
        case UInt8(ascii: "["): return JSONValue(kind: try array(), line: startLine)
        case UInt8(ascii: "\""): return JSONValue(kind: .string(try string()), line: startLine)
        case UInt8(ascii: "t"): try literal("true"); return JSONValue(kind: .bool(true), line: startLine)
        case UInt8(ascii: "f"): try literal("false"); return JSONValue(kind: .bool(false), line: startLine)
        case UInt8(ascii: "n"): try literal("null"); return JSONValue(kind: .null, line: startLine)
        default: return JSONValue(kind: .number(try number()), line: startLine)
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= p.count, memcmpEqual(p.baseAddress! + i, word.utf8Start, n) else {
            throw error("invalid literal")
        }
        i += n
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > 256 { throw error("nesting deeper than 256") }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue.Kind {
        try enter()
        defer { depth -= 1 }
        i += 1
        var members: [(key: String, value: JSONValue)] = []
        skipSpace()
        if i < p.count && p[i] == UInt8(ascii: "}") {
            i += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard i < p.count && p[i] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipSpace()
            guard i < p.count && p[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
            i += 1
            skipSpace()
            members.append((key, try value()))
            skipSpace()
            guard i < p.count else { throw error("unexpected end of file in an object") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw error("expected ',' or '}'")
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue.Kind {
        try enter()
        defer { depth -= 1 }
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < p.count && p[i] == UInt8(ascii: "]") {
            i += 1
            return .array(items)
        }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard i < p.count else { throw error("unexpected end of file in an array") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw error("expected ',' or ']'")
        }
    }

    private mutating func number() throws(JSONSyntaxError) -> Double {
        let start = i
        while i < p.count && Self.isNumberByte(p[i]) { i += 1 }
        guard i > start, let value = Double(String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self))
        else { throw error("invalid value") }
        return value
    }

    private static func isNumberByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
    }

    /// A string (p[i] is the opening quote). Fast path: no escapes, copied as is.
    private mutating func string() throws(JSONSyntaxError) -> String {
        i += 1
        let start = i
        while i < p.count && p[i] != UInt8(ascii: "\"") && p[i] != UInt8(ascii: "\\") && p[i] >= 0x20 { i += 1 }
        guard i < p.count else { throw error("unterminated string") }
        if p[i] == UInt8(ascii: "\"") {
            let slice = UnsafeBufferPointer(rebasing: p[start..<i])
            i += 1
            guard let s = String(validating: slice, as: UTF8.self) else { throw error("string is not valid UTF-8") }
            return s
        }
        var bytes = Array(UnsafeBufferPointer(rebasing: p[start..<i]))
        while true {
            guard i < p.count else { throw error("unterminated string") }
            let c = p[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c < 0x20 { throw error("control character in a string") }
            if c != UInt8(ascii: "\\") { bytes.append(c); i += 1; continue }
            guard i + 1 < p.count else { throw error("unterminated escape") }
            let e = p[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard i + 1 < p.count, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate escape")
                    }
                    i += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw error("unpaired surrogate escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw error("unpaired surrogate escape")
                }
                bytes += Array(String(Unicode.Scalar(scalar)!).utf8)
            default:
                throw error("invalid escape")
            }
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw error("string is not valid UTF-8") }
        return s
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= p.count else { throw error("short \\u escape") }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = p[i + k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | d
        }
        i += 4
        return v
    }
}

private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for k in 0..<n where a[k] != b[k] { return false }
    return true
}
