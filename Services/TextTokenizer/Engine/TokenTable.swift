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
        n == length(slot) && (n == 0 || memcmp(start(slot), p, n) == 0)
    }
}

/// Open-addressing hash table from a byte string to a `UInt32` value (a rank or an id).
/// Each slot packs `tag << 32 | entry`, where `entry` indexes the key bytes in `keys` and `tag`
/// is the high half of the hash, so most misses are rejected without touching key bytes.
final class ByteStringTable: @unchecked Sendable {
    // Immutable after init (slots and values are filled in `init` only).
    let keys: TokenBytes
    private let slots: UnsafeMutablePointer<UInt64>
    private let values: UnsafeMutablePointer<UInt32>
    private let mask: Int
    private static let empty = UInt64.max

    /// Inserts every key with its value; a later duplicate of a key is ignored (callers that
    /// must reject duplicates check for them before building the table).
    init(keys: TokenBytes, values valueArray: [UInt32]) {
        precondition(valueArray.count == keys.count)
        self.keys = keys
        var capacity = 16
        while capacity < keys.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        slots.initialize(repeating: Self.empty, count: capacity)
        let values = UnsafeMutablePointer<UInt32>.allocate(capacity: max(keys.count, 1))
        valueArray.withUnsafeBufferPointer { if let base = $0.baseAddress { values.initialize(from: base, count: $0.count) } }
        self.slots = slots
        self.values = values
        for entry in 0..<keys.count {
            let p = keys.start(entry), n = keys.length(entry)
            let h = Self.hash(p, n)
            let tag = h >> 32
            var index = Int(truncatingIfNeeded: h) & mask
            while slots[index] != Self.empty {
                let other = Int(truncatingIfNeeded: slots[index] & 0xFFFF_FFFF)
                if slots[index] >> 32 == tag && keys.equals(other, p, n) { break }  // duplicate: keep first
                index = (index + 1) & mask
            }
            if slots[index] == Self.empty { slots[index] = tag << 32 | UInt64(entry) }
        }
    }

    deinit {
        slots.deallocate()
        values.deallocate()
    }

    /// The value of the byte string `p[0..<n]`, or nil.
    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32? {
        let h = Self.hash(p, n)
        let tag = h >> 32
        var index = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[index]
            if slot == Self.empty { return nil }
            let entry = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF)
            if slot >> 32 == tag && keys.equals(entry, p, n) { return values[entry] }
            index = (index + 1) & mask
        }
    }

    /// A fast 64-bit hash of a short byte string (8-byte words, multiply-xorshift mixing).
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: n &+ 1)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                word |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ word) &* 0x94D0_49BB_1331_11EB
        }
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
