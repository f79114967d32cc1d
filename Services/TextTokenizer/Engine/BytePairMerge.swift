// Byte-pair merging of one pre-tokenized piece (Emu3 spec §7.2 step 4): start from single
// bytes and repeatedly merge the adjacent pair with the lowest priority, leftmost on ties,
// until no adjacent pair merges. Two rule sets share the loops:
//   - tiktoken ranks: a pair merges when the concatenated bytes are a token; priority = its rank.
//   - HF merges: a pair (left id, right id) merges when it is listed; priority = list index.
// Short pieces use tiktoken's O(n²) scan over a flat array on the stack (fastest for the
// usual < 20 bytes); long ones (a 10,000-letter word) use a linked list and a binary heap,
// O(n log n), with the same (priority, position) order, so both give identical results (tested).

/// The merge rules of a vocabulary.
enum MergeRules: Sendable {
    /// tiktoken: byte string → rank, and token id == rank.
    case ranks(ByteStringTable, BytePairs)
    /// HF BPE: (left, right) → (priority, merged id).
    case pairs(PairMergeTable, BytePairs)
}

/// The merge of every pair of single bytes, in a direct 65,536-entry table (512 KiB, stays in
/// L2): the first round of every piece looks up only such pairs, and a hash probe into the
/// multi-MiB rank table is a cache miss — the encoder's main cost.
final class BytePairs: @unchecked Sendable {
    // Immutable after init.
    /// `priority << 32 | merged id` for bytes (a, b) at `a << 8 | b`; UInt64.max: no merge.
    let table: UnsafeMutablePointer<UInt64>

    /// - Parameter merge: the (priority, merged id) of two single-byte parts, or nil.
    init(_ merge: (UInt8, UInt8) -> (UInt32, UInt32)?) {
        table = .allocate(capacity: 1 << 16)
        for a in 0..<256 {
            for b in 0..<256 {
                let m = merge(UInt8(a), UInt8(b))
                table[a << 8 | b] = m.map { UInt64($0.0) << 32 | UInt64($0.1) } ?? UInt64.max
            }
        }
    }

    deinit { table.deallocate() }
}

/// Reusable buffers for long pieces (one per encode call; not shared between threads).
struct MergeScratch {
    var ids: [UInt32] = []
    var next: [Int32] = []
    var prev: [Int32] = []
    var heap: [HeapEntry] = []

    struct HeapEntry {
        /// priority << 32 | left node: the order of merges.
        var key: UInt64
        var right: Int32
        var rightEnd: Int32
        var merged: UInt32
    }
}

/// Pieces up to this many bytes use the flat O(n²) scan.
let flatMergeLimit = 128

private let noMerge = UInt32.max

/// How two adjacent parts merge, as (priority, merged id); priority `noMerge` when they don't.
private protocol PairRule {
    func merge(_ p: UnsafePointer<UInt8>, _ a: Int, _ c: Int, _ left: UInt32, _ right: UInt32) -> (UInt32, UInt32)
}

@inline(__always)
private func twoBytes(_ pairs: UnsafePointer<UInt64>, _ p: UnsafePointer<UInt8>, _ a: Int) -> (UInt32, UInt32) {
    let value = pairs[Int(p[a]) << 8 | Int(p[a + 1])]
    return value == UInt64.max ? (noMerge, 0) : (UInt32(truncatingIfNeeded: value >> 32), UInt32(truncatingIfNeeded: value))
}

private struct RankRule: PairRule {
    unowned(unsafe) let table: ByteStringTable  // kept alive by the Vocabulary for the whole call
    let pairs: UnsafePointer<UInt64>
    @inline(__always)
    func merge(_ p: UnsafePointer<UInt8>, _ a: Int, _ c: Int, _ left: UInt32, _ right: UInt32) -> (UInt32, UInt32) {
        if c - a == 2 { return twoBytes(pairs, p, a) }
        if let rank = table.lookup(p + a, c - a) { return (rank, rank) }
        return (noMerge, 0)
    }
}

private struct ListRule: PairRule {
    unowned(unsafe) let table: PairMergeTable
    let pairs: UnsafePointer<UInt64>
    @inline(__always)
    func merge(_ p: UnsafePointer<UInt8>, _ a: Int, _ c: Int, _ left: UInt32, _ right: UInt32) -> (UInt32, UInt32) {
        if c - a == 2 { return twoBytes(pairs, p, a) }  // two single-byte parts
        if let value = table.lookup(left, right) {
            return (UInt32(truncatingIfNeeded: value >> 32), UInt32(truncatingIfNeeded: value))
        }
        return (noMerge, 0)
    }
}

extension MergeRules {
    /// Appends the ids of piece `p[start..<end]` (end > start) to `out`.
    /// - Parameter byteIDs: the id of each single byte (all 256 exist in a loaded vocabulary).
    func encodePiece(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, byteIDs: UnsafePointer<UInt32>,
        scratch: inout MergeScratch, into out: inout [Int32]
    ) {
        if end - start == 1 {
            out.append(Int32(bitPattern: byteIDs[Int(p[start])]))
        } else if end - start <= flatMergeLimit {
            flatMerge(p, start, end, byteIDs, &out)
        } else {
            heapMerge(p, start, end, byteIDs, &scratch, &out)
        }
    }

    func flatMerge(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ byteIDs: UnsafePointer<UInt32>, _ out: inout [Int32]
    ) {
        switch self {
        case .ranks(let table, let pairs):
            flatMergeLoop(RankRule(table: table, pairs: pairs.table), p, start, end, byteIDs, &out)
        case .pairs(let table, let pairs):
            flatMergeLoop(ListRule(table: table, pairs: pairs.table), p, start, end, byteIDs, &out)
        }
    }

    func heapMerge(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ byteIDs: UnsafePointer<UInt32>,
        _ scratch: inout MergeScratch, _ out: inout [Int32]
    ) {
        switch self {
        case .ranks(let table, let pairs):
            heapMergeLoop(RankRule(table: table, pairs: pairs.table), p, start, end, byteIDs, &scratch, &out)
        case .pairs(let table, let pairs):
            heapMergeLoop(ListRule(table: table, pairs: pairs.table), p, start, end, byteIDs, &scratch, &out)
        }
    }
}

// MARK: - Flat scan (tiktoken's algorithm)

private struct Part {
    var start: Int32
    var id: UInt32
    /// Priority of merging this part with the next one.
    var priority: UInt32
    var merged: UInt32
}

private func flatMergeLoop<Rule: PairRule>(
    _ rule: Rule, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ byteIDs: UnsafePointer<UInt32>,
    _ out: inout [Int32]
) {
    let n = end - start
    withUnsafeTemporaryAllocation(of: Part.self, capacity: n + 1) { parts in
        for k in 0..<n {
            parts[k] = Part(start: Int32(start + k), id: byteIDs[Int(p[start + k])], priority: noMerge, merged: 0)
        }
        parts[n] = Part(start: Int32(end), id: 0, priority: noMerge, merged: 0)
        for k in 0..<(n - 1) {
            (parts[k].priority, parts[k].merged) = rule.merge(p, start + k, start + k + 2, parts[k].id, parts[k + 1].id)
        }
        var count = n  // parts 0..<count, plus the end sentinel at `count`
        while count > 1 {
            var best = noMerge
            var at = -1
            for k in 0..<(count - 1) where parts[k].priority < best {
                best = parts[k].priority
                at = k
            }
            if at < 0 { break }
            parts[at].id = parts[at].merged
            // Remove part at + 1 (shift the tail, sentinel included).
            var k = at + 1
            while k < count {
                parts[k] = parts[k + 1]
                k += 1
            }
            count -= 1
            if at > 0 {
                (parts[at - 1].priority, parts[at - 1].merged) = rule.merge(
                    p, Int(parts[at - 1].start), Int(parts[at + 1].start), parts[at - 1].id, parts[at].id)
            }
            if at < count - 1 {
                (parts[at].priority, parts[at].merged) = rule.merge(
                    p, Int(parts[at].start), Int(parts[at + 2].start), parts[at].id, parts[at + 1].id)
            } else {
                parts[at].priority = noMerge
            }
        }
        for k in 0..<count { out.append(Int32(bitPattern: parts[k].id)) }
    }
}

// MARK: - Heap (long pieces)

/// Nodes are the piece's byte offsets (relative to `start`); `next[node]` is both the next
/// part and the end of this one. A heap entry is still valid when its left node still ends at
/// `right` and `right` still ends at `rightEnd`: then both parts are unchanged, and since every
/// current pair has an entry, the smallest valid entry is the current best merge.
/// (tiktoken ≥ 0.7 has the same idea in `_byte_pair_merge_large`.)
private func heapMergeLoop<Rule: PairRule>(
    _ rule: Rule, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ byteIDs: UnsafePointer<UInt32>,
    _ s: inout MergeScratch, _ out: inout [Int32]
) {
    let n = end - start
    // At most n - 1 initial entries plus two per merge (< n merges).
    let heapCapacity = 3 * n
    if s.ids.count < n {
        s.ids = [UInt32](repeating: 0, count: n)
        s.next = [Int32](repeating: 0, count: n)
        s.prev = [Int32](repeating: 0, count: n)
    }
    if s.heap.count < heapCapacity {
        s.heap = [MergeScratch.HeapEntry](repeating: .init(key: 0, right: 0, rightEnd: 0, merged: 0), count: heapCapacity)
    }
    s.ids.withUnsafeMutableBufferPointer { ids in
        s.next.withUnsafeMutableBufferPointer { next in
            s.prev.withUnsafeMutableBufferPointer { prev in
                s.heap.withUnsafeMutableBufferPointer { heapBuffer in
                    var heap = MinHeap(storage: heapBuffer.baseAddress!)
                    @inline(__always) func push(_ left: Int) {
                        let right = Int(next[left])
                        guard right < n else { return }
                        let rightEnd = Int(next[right])
                        let (priority, merged) = rule.merge(p, start + left, start + rightEnd, ids[left], ids[right])
                        guard priority != noMerge else { return }
                        heap.push(.init(key: UInt64(priority) << 32 | UInt64(left), right: Int32(right),
                                        rightEnd: Int32(rightEnd), merged: merged))
                    }
                    for k in 0..<n {
                        ids[k] = byteIDs[Int(p[start + k])]
                        next[k] = Int32(k + 1)
                        prev[k] = Int32(k - 1)
                    }
                    for k in 0..<(n - 1) { push(k) }
                    while let top = heap.pop() {
                        let left = Int(truncatingIfNeeded: top.key & 0xFFFF_FFFF)
                        let right = Int(top.right)
                        guard next[left] == top.right, next[right] == top.rightEnd else { continue }
                        ids[left] = top.merged
                        next[left] = top.rightEnd
                        next[right] = -1  // dead
                        if Int(top.rightEnd) < n { prev[Int(top.rightEnd)] = Int32(left) }
                        if prev[left] >= 0 { push(Int(prev[left])) }
                        push(left)
                    }
                    var node = 0
                    while node < n {
                        out.append(Int32(bitPattern: ids[node]))
                        node = Int(next[node])
                    }
                }
            }
        }
    }
}

/// A binary min-heap on `key` over a caller-owned buffer large enough for every push.
private struct MinHeap {
    let storage: UnsafeMutablePointer<MergeScratch.HeapEntry>
    var count = 0

    @inline(__always)
    mutating func push(_ entry: MergeScratch.HeapEntry) {
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) / 2
            if storage[parent].key <= entry.key { break }
            storage[child] = storage[parent]
            child = parent
        }
        storage[child] = entry
    }

    @inline(__always)
    mutating func pop() -> MergeScratch.HeapEntry? {
        guard count > 0 else { return nil }
        let top = storage[0]
        count -= 1
        if count == 0 { return top }
        let last = storage[count]
        var parent = 0
        while true {
            let l = 2 * parent + 1
            if l >= count { break }
            let r = l + 1
            let smaller = r < count && storage[r].key < storage[l].key ? r : l
            if last.key <= storage[smaller].key { break }
            storage[parent] = storage[smaller]
            parent = smaller
        }
        storage[parent] = last
        return top
    }
}
