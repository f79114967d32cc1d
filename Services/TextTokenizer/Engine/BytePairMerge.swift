// Byte-pair merging of one pre-tokenized piece (Emu3 spec §7.2 step 4): start from single
// bytes and repeatedly merge the adjacent pair with the lowest priority, leftmost on ties,
// until no adjacent pair merges. Two rule sets share the loop:
//   - tiktoken ranks: a pair merges when the concatenated bytes are a token; priority = its rank.
//   - HF merges: a pair (left id, right id) merges when it is listed; priority = list index.
// Short pieces use tiktoken's O(n²) scan over a flat array (fastest for the usual < 20 bytes);
// long ones (a 10,000-letter word) use a linked list and a binary heap, O(n log n), with the
// same (priority, position) order, so both give identical results (tested).

/// The merge rules of a vocabulary.
enum MergeRules: Sendable {
    /// tiktoken: byte string → rank, and token id == rank.
    case ranks(ByteStringTable)
    /// HF BPE: (left, right) → (priority, merged id).
    case pairs(PairMergeTable)
}

/// Reusable buffers for merging (one per encode call; not shared between threads).
struct MergeScratch {
    var starts: [Int32] = []
    var ids: [UInt32] = []
    var priorities: [UInt32] = []
    var merged: [UInt32] = []
    var next: [Int32] = []
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

extension MergeRules {
    /// Priority and merged id of the adjacent parts `[a, b)` (id `left`) and `[b, c)` (id `right`).
    @inline(__always)
    func merge(_ p: UnsafePointer<UInt8>, _ a: Int, _ c: Int, _ left: UInt32, _ right: UInt32)
        -> (priority: UInt32, id: UInt32)
    {
        switch self {
        case .ranks(let table):
            if let rank = table.lookup(p + a, c - a) { return (rank, rank) }
            return (noMerge, 0)
        case .pairs(let table):
            if let value = table.lookup(left, right) {
                return (UInt32(truncatingIfNeeded: value >> 32), UInt32(truncatingIfNeeded: value))
            }
            return (noMerge, 0)
        }
    }

    /// Appends the ids of piece `p[start..<end]` (end > start) to `out`.
    /// - Parameter byteIDs: the id of each single byte (all 256 exist in a loaded vocabulary).
    func encodePiece(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, byteIDs: UnsafePointer<UInt32>,
        scratch: inout MergeScratch, into out: inout [Int32]
    ) {
        let n = end - start
        if n == 1 {
            out.append(Int32(bitPattern: byteIDs[Int(p[start])]))
        } else if n <= flatMergeLimit {
            flatMerge(p, start, end, byteIDs, &scratch, &out)
        } else {
            heapMerge(p, start, end, byteIDs, &scratch, &out)
        }
    }

    // MARK: - Flat scan (tiktoken's algorithm)

    func flatMerge(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ byteIDs: UnsafePointer<UInt32>,
        _ s: inout MergeScratch, _ out: inout [Int32]
    ) {
        let n = end - start
        s.starts.removeAll(keepingCapacity: true)
        s.ids.removeAll(keepingCapacity: true)
        s.priorities.removeAll(keepingCapacity: true)
        s.merged.removeAll(keepingCapacity: true)
        for k in 0..<n {
            s.starts.append(Int32(start + k))
            s.ids.append(byteIDs[Int(p[start + k])])
        }
        s.starts.append(Int32(end))
        for k in 0..<(n - 1) {
            let m = merge(p, start + k, start + k + 2, s.ids[k], s.ids[k + 1])
            s.priorities.append(m.priority)
            s.merged.append(m.id)
        }
        var count = n  // parts; priorities[k] merges part k with part k + 1
        while count > 1 {
            var best = noMerge
            var at = -1
            for k in 0..<(count - 1) where s.priorities[k] < best {
                best = s.priorities[k]
                at = k
            }
            if at < 0 { break }
            s.ids[at] = s.merged[at]
            s.ids.remove(at: at + 1)
            s.starts.remove(at: at + 1)
            s.priorities.remove(at: at)
            s.merged.remove(at: at)
            count -= 1
            if at > 0 {
                let m = merge(p, Int(s.starts[at - 1]), Int(s.starts[at + 1]), s.ids[at - 1], s.ids[at])
                s.priorities[at - 1] = m.priority
                s.merged[at - 1] = m.id
            }
            if at < count - 1 {
                let m = merge(p, Int(s.starts[at]), Int(s.starts[at + 2]), s.ids[at], s.ids[at + 1])
                s.priorities[at] = m.priority
                s.merged[at] = m.id
            }
        }
        for k in 0..<count { out.append(Int32(bitPattern: s.ids[k])) }
    }

    // MARK: - Heap (long pieces)

    /// Nodes are the piece's byte offsets (relative to `start`); `next[node]` is both the next
    /// part and the end of this one; a dead node has next == -1. A heap entry is still valid
    /// when its left node is alive, still ends at `right`, and `right` still ends at `rightEnd`:
    /// then both parts are unchanged, and since every current pair has an entry, the smallest
    /// valid entry is the current best merge.
    func heapMerge(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ byteIDs: UnsafePointer<UInt32>,
        _ s: inout MergeScratch, _ out: inout [Int32]
    ) {
        let n = end - start
        s.ids.removeAll(keepingCapacity: true)
        s.next.removeAll(keepingCapacity: true)
        s.starts.removeAll(keepingCapacity: true)  // used as prev links
        s.heap.removeAll(keepingCapacity: true)
        for k in 0..<n {
            s.ids.append(byteIDs[Int(p[start + k])])
            s.next.append(Int32(k + 1))
            s.starts.append(Int32(k - 1))
        }
        func push(_ left: Int, _ heap: inout [MergeScratch.HeapEntry], _ ids: [UInt32], _ next: [Int32]) {
            let right = Int(next[left])
            guard right < n else { return }
            let rightEnd = Int(next[right])
            let m = merge(p, start + left, start + rightEnd, ids[left], ids[right])
            guard m.priority != noMerge else { return }
            heapPush(&heap, .init(key: UInt64(m.priority) << 32 | UInt64(left), right: Int32(right),
                                  rightEnd: Int32(rightEnd), merged: m.id))
        }
        for k in 0..<(n - 1) { push(k, &s.heap, s.ids, s.next) }
        while let top = heapPop(&s.heap) {
            let left = Int(truncatingIfNeeded: top.key & 0xFFFF_FFFF)
            let right = Int(top.right)
            guard s.next[left] == top.right, s.next[right] == top.rightEnd else { continue }
            // merge right into left
            s.ids[left] = top.merged
            s.next[left] = top.rightEnd
            s.next[right] = -1
            if Int(top.rightEnd) < n { s.starts[Int(top.rightEnd)] = Int32(left) }
            let prev = Int(s.starts[left])
            if prev >= 0 { push(prev, &s.heap, s.ids, s.next) }
            push(left, &s.heap, s.ids, s.next)
        }
        var node = 0
        while node < n {
            out.append(Int32(bitPattern: s.ids[node]))
            node = Int(s.next[node])
        }
    }
}

// MARK: - Binary min-heap on `key`

private func heapPush(_ heap: inout [MergeScratch.HeapEntry], _ entry: MergeScratch.HeapEntry) {
    heap.append(entry)
    var child = heap.count - 1
    while child > 0 {
        let parent = (child - 1) / 2
        if heap[parent].key <= heap[child].key { break }
        heap.swapAt(parent, child)
        child = parent
    }
}

private func heapPop(_ heap: inout [MergeScratch.HeapEntry]) -> MergeScratch.HeapEntry? {
    guard let top = heap.first else { return nil }
    let last = heap.removeLast()
    if heap.isEmpty { return top }
    heap[0] = last
    var parent = 0
    while true {
        let l = 2 * parent + 1
        if l >= heap.count { break }
        let r = l + 1
        let smaller = r < heap.count && heap[r].key < heap[l].key ? r : l
        if heap[parent].key <= heap[smaller].key { break }
        heap.swapAt(parent, smaller)
        parent = smaller
    }
    return top
}
