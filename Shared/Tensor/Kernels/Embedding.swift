/// Embedding lookup: rows of a [vocab, d] table, widened to Float32.
public enum Embedding {
    /// `out [ids.count, d]` ← `table[ids[t], :]`. Ids must be in range (validated upstream;
    /// checked here with `precondition` as a kernel invariant).
    public static func gather(_ table: WeightMatrix, ids: [Int32], into out: inout Tensor) {
        out.resize(to: [ids.count, table.cols])
        out.makeUnique()
        let dst = out.storage.pointer
        for (t, id) in ids.enumerated() {
            let r = Int(id)
            precondition(r >= 0 && r < table.rows, "embedding id \(r) out of 0..<\(table.rows)")
            table.widenRow(r, into: dst + t * table.cols)
        }
    }
}
