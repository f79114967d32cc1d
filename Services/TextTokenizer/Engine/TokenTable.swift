// Token byte strings and the hash table that finds a byte string's id.
// Hot-path data lives in manually allocated buffers owned by final classes: the encoder's
// inner loop does a hash look-up per candidate merge, and we keep Array's bounds checks
// and reference counting out of it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte strings of a set of tokens, indexed by a dense slot number, in one buffer.
final class TokenBytes: @unchecked Sendable {
    // Immutable after init: both buffers are written only in `init` and freed in `deinit`.
    let count: Int
    private let bytes: UnsafeMutablePointer<UInt8>
    private let offsets: UnsafeMutablePointer<Int>  // count + 1 entries

    /// - Parameters:
    ///   - storage: all byte strings, concatenated in slot order.
    ///   - offsets: `count + 1` start offsets into `storage` (the last equals `storage.count`).
    init(storage: [UInt8], offsets offsetArray: [Int]) {
        precondition(offsetArray.count >= 1 && offsetArray.last == storage.count)
        count = offsetArray.count - 1
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(storage.count, 1))
        storage.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { bytes.initialize(from: base, count: source.count) }
        }
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: offsetArray.count)
        offsetArray.withUnsafeBufferPointer { offsets.initialize(from: $0.baseAddress!, count: $0.count) }
        self.bytes = bytes
        self.offsets = offsets
    }

    deinit {
        bytes.deallocate()
        offsets.deallocate()
    }

    @inline(__always) func start(_ slot: Int) -> UnsafePointer<UInt8> { UnsafePointer(bytes + offsets[slot]) }
    @inline(__always) func length(_ slot: Int) -> Int { offsets[slot + 1] - offsets[slot] }

    /// A copy of one token's bytes.
    func array(_ slot: Int) -> [UInt8] { Array(UnsafeBufferPointer(start: start(slot), count: length(slot))) }

    /// Whether slot `slot` holds exactly the bytes `p[0..<n]`.
    @inline(__always)
    func equals(_ slot: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n == length(slot) else { return false }
        let q = start(slot)
        if n > 16 { return memcmp(q, p, n) == 0 }
        for k in 0..<n where q[k] != p[k] { return false }  // short keys: a call costs more
        return true
    }
}

/// Open-addressing hash table from a byte string to a value (a rank or an id, < 2^24).
/// A slot is 16 bytes: `word` holds a key of up to 8 bytes itself (little-endian, zero
/// padded), else the key's index in `keys`; `meta` packs `tag(24) | length(16) | value(24)`,
/// where `tag` is 24 bits of the hash. A look-up of a short key (most BPE candidates) thus
/// touches one cache line, with no pointer chasing: the encoder is bound by these misses.
final class ByteStringTable: @unchecked Sendable {
    // Immutable after init (`slots` is filled in `init` only).
    let keys: TokenBytes
    private let slots: UnsafeMutablePointer<Slot>
    private let mask: Int
    private static let empty = UInt64.max
    static let maxValue = UInt32(1 << 24 - 1)

    private struct Slot {
        var word: UInt64
        var meta: UInt64
    }

    /// The first entry whose key repeats an earlier one (that later entry is not inserted).
    let firstDuplicate: Int?

    /// Inserts the first `values.count` keys with their values (each < 2^24, keys < 64 KiB);
    /// a later duplicate of a key is ignored and reported in ``firstDuplicate``.
    init(keys: TokenBytes, values: [UInt32]) {
        precondition(values.count <= keys.count)
        self.keys = keys
        let count = values.count
        var capacity = 16
        while capacity < count + count / 2 { capacity <<= 1 }  // load factor ≤ 2/3
        mask = capacity - 1
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: capacity)
        slots.initialize(repeating: Slot(word: 0, meta: Self.empty), count: capacity)
        self.slots = slots
        var duplicate: Int?
        for entry in 0..<count {
            let p = keys.start(entry), n = keys.length(entry)
            precondition(n < 1 << 16 && values[entry] <= Self.maxValue)
            let word = n <= 8 ? Self.pack(p, n) : UInt64(entry)
            let h = n <= 8 ? Self.hashWord(word, n) : Self.hashLong(p, n)
            let meta = Self.meta(h, n)
            var index = Int(truncatingIfNeeded: h) & mask
            var repeated = false
            while slots[index].meta != Self.empty {
                let slot = slots[index]
                if slot.meta & ~0xFF_FFFF == meta && (n <= 8 ? slot.word == word : keys.equals(Int(slot.word), p, n)) {
                    repeated = true
                    break
                }
                index = (index + 1) & mask
            }
            if repeated {
                if duplicate == nil { duplicate = entry }
                continue
            }
            slots[index] = Slot(word: word, meta: meta | UInt64(values[entry]))
        }
        firstDuplicate = duplicate
    }

    deinit { slots.deallocate() }

    @inline(__always) private static func meta(_ h: UInt64, _ n: Int) -> UInt64 {
        (h >> 40) << 40 | UInt64(n) << 24
    }

    /// The value of the byte string `p[0..<n]`, or nil.
    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32? {
        if n <= 8 {
            let word = Self.pack(p, n)
            let h = Self.hashWord(word, n)
            let want = Self.meta(h, n)
            var index = Int(truncatingIfNeeded: h) & mask
            while true {
                let slot = slots[index]
                if slot.meta == Self.empty { return nil }
                if slot.meta & ~0xFF_FFFF == want && slot.word == word {
                    return UInt32(truncatingIfNeeded: slot.meta & 0xFF_FFFF)
                }
                index = (index + 1) & mask
            }
        }
        let h = Self.hashLong(p, n)
        let want = Self.meta(h, n)
        var index = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[index]
            if slot.meta == Self.empty { return nil }
            if slot.meta & ~0xFF_FFFF == want && keys.equals(Int(slot.word), p, n) {
                return UInt32(truncatingIfNeeded: slot.meta & 0xFF_FFFF)
            }
            index = (index + 1) & mask
        }
    }

    /// Up to 8 bytes as a little-endian word, zero padded.
    @inline(__always)
    static func pack(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var word: UInt64 = 0
        var k = n - 1
        while k >= 0 {
            word = word << 8 | UInt64(p[k])
            k -= 1
        }
        return word
    }

    @inline(__always)
    static func hashWord(_ word: UInt64, _ n: Int) -> UInt64 {
        var h = (word ^ UInt64(truncatingIfNeeded: n) << 59) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    /// A 64-bit hash of a byte string longer than 8 bytes (8-byte words, multiply-xorshift).
    static func hashLong(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: n &+ 1)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < n { h = (h ^ pack(p + i, n - i)) &* 0x94D0_49BB_1331_11EB }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}

/// Open-addressing hash table from an ordered pair of token ids to a merge
/// (priority, resulting id): the HF BPE `merges` list (priority = line index).
final class PairMergeTable: @unchecked Sendable {
    // Immutable after init.
    private let keys: UnsafeMutablePointer<UInt64>
    private let values: UnsafeMutablePointer<UInt64>
    private let mask: Int
    let count: Int
    private static let empty = UInt64.max

    /// - Parameter merges: (left id, right id, merged id) in priority order; a repeated pair
    ///   keeps its first (highest-priority) entry, as HF does when it builds its map.
    init(merges: [(left: UInt32, right: UInt32, merged: UInt32)]) {
        var capacity = 16
        while capacity < merges.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: Self.empty, count: capacity)
        values = .allocate(capacity: capacity)
        values.initialize(repeating: 0, count: capacity)
        var inserted = 0
        for (priority, merge) in merges.enumerated() {
            let key = UInt64(merge.left) << 32 | UInt64(merge.right)
            var index = Self.index(key, mask)
            while keys[index] != Self.empty && keys[index] != key { index = (index + 1) & mask }
            if keys[index] == key { continue }
            keys[index] = key
            values[index] = UInt64(priority) << 32 | UInt64(merge.merged)
            inserted += 1
        }
        count = inserted
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    @inline(__always)
    private static func index(_ key: UInt64, _ mask: Int) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return Int(truncatingIfNeeded: h) & mask
    }

    /// `priority << 32 | merged id` of the pair, or nil when the pair does not merge.
    @inline(__always)
    func lookup(_ left: UInt32, _ right: UInt32) -> UInt64? {
        let key = UInt64(left) << 32 | UInt64(right)
        var index = Self.index(key, mask)
        while true {
            let k = keys[index]
            if k == key { return values[index] }
            if k == Self.empty { return nil }
            index = (index + 1) & mask
        }
    }
}
