// UTF-8 helpers: NFC normalisation (spec §7.2 step 1), locating invalid input, and finding
// an incomplete trailing sequence for streaming decode (spec §7.4).

import Foundation

/// The NFC form of `text` as UTF-8, or nil when `text` is already NFC (the common case,
/// detected by the Unicode quick check at ~200 MB/s; normalising runs at ~30-90 MB/s).
/// Uses the Swift standard library's own normalisation (the one `String ==` relies on):
/// Foundation's `precomposedStringWithCanonicalMapping` measured ~4 MB/s here.
func nfcBytesIfChanged(_ text: String) -> [UInt8]? {
    if #available(macOS 26.0, iOS 26.0, watchOS 26.0, tvOS 26.0, visionOS 26.0, *) {
        var span = text.utf8Span
        if span.checkForNFC(quickCheck: true) { return nil }
    }
    let normalized = text._nfcCodeUnits
    if normalized.count == text.utf8.count && normalized.elementsEqual(text.utf8) { return nil }
    return normalized
}

/// Offset of the first byte that starts an invalid UTF-8 sequence, or nil when all is valid.
func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
    var i = 0
    while i < bytes.count {
        let n = validSequenceLength(bytes, i, bytes.count)
        if n <= 0 { return i }
        i += n
    }
    return nil
}

/// Length of the valid sequence starting at `i`; 0 if invalid, -k if the bytes end after a
/// valid prefix of length k of a longer sequence.
func validSequenceLength(_ b: [UInt8], _ i: Int, _ end: Int) -> Int {
    let b0 = b[i]
    if b0 < 0x80 { return 1 }
    let length: Int
    var lo: UInt8 = 0x80, hi: UInt8 = 0xBF  // allowed range of the second byte
    switch b0 {
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; lo = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: length = 3; hi = 0x9F
    case 0xF0: length = 4; lo = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4: length = 4; hi = 0x8F
    default: return 0
    }
    for k in 1..<length {
        guard i + k < end else { return -k }
        let c = b[i + k]
        if k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF) { return 0 }
    }
    return length
}

/// Number of trailing bytes of `bytes` that form a valid but incomplete UTF-8 sequence
/// (0…3): the bytes a streaming decoder must hold back until more arrive.
func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
    let n = bytes.count
    var back = 1
    while back <= 3 && back <= n {
        let i = n - back
        if bytes[i] & 0xC0 != 0x80 { return validSequenceLength(bytes, i, n) < 0 ? back : 0 }
        back += 1
    }
    return 0
}
