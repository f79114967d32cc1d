/// Errors from KV-cache growth.
public enum KVCacheError: Error, Equatable, Sendable {
    /// Appending `requested` tokens to `cached` would pass the cache's `maxTokens`.
    case full(cached: Int, requested: Int, maxTokens: Int)
}

/// Keys and values of ONE sequence for every layer, in Float32.
///
/// Layout per layer: [kvHeads, capacity, headDim] for keys and the same for values, so one
/// head's keys are a contiguous [count, headDim] matrix the attention kernels stream.
/// A forward pass writes the new tokens' keys/values for each layer at slots
/// `count ..< count + T` (`store`), attends over `count + T` slots, and then `commit`s T
/// tokens once every layer is done. Slots can be marked as padding (left-padded batches):
/// they hold keys but are never attended to.
public final class KVCache {
    /// Number of decoder layers.
    public let layerCount: Int
    /// Key/value heads per layer.
    public let kvHeads: Int
    /// Dimension of one head.
    public let headDim: Int
    /// Hard limit on cached tokens (the model's context length).
    public let maxTokens: Int
    /// Tokens cached so far (padding slots included).
    public private(set) var count = 0
    /// Allocated slots per head.
    public private(set) var capacity = 0
    /// `isPadding[j]` for every cached slot j; empty while no slot is padding.
    public private(set) var isPadding: [Bool] = []
    /// Position id the next appended real token gets (RoPE).
    public var nextPosition = 0

    var keys: [UnsafeMutablePointer<Float>] = []
    var values: [UnsafeMutablePointer<Float>] = []

    /// - Parameters:
    ///   - layers, kvHeads, headDim: the model's attention shape.
    ///   - maxTokens: context limit; `reserve` beyond it throws.
    ///   - initialCapacity: slots to allocate now (grows by doubling later).
    public init(layers: Int, kvHeads: Int, headDim: Int, maxTokens: Int, initialCapacity: Int = 64) {
        layerCount = layers
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.maxTokens = maxTokens
        grow(to: max(1, min(initialCapacity, maxTokens)))
    }

    deinit {
        for p in keys { p.deallocate() }
        for p in values { p.deallocate() }
    }

    /// Bytes held by keys and values.
    public var byteCount: Int { 2 * layerCount * kvHeads * capacity * headDim * MemoryLayout<Float>.stride }

    /// Makes room for `additional` more tokens.
    /// - Throws: `KVCacheError.full` past `maxTokens`.
    public func reserve(_ additional: Int) throws {
        let needed = count + additional
        guard needed <= maxTokens else {
            throw KVCacheError.full(cached: count, requested: additional, maxTokens: maxTokens)
        }
        if needed > capacity { grow(to: min(maxTokens, max(needed, capacity * 2))) }
    }

    /// Writes keys and values of `tokens` new tokens for `layer` at slots count..<count+tokens.
    /// - Parameters: k, v: [rows, kvHeads·headDim]; their rows `rowStart..<rowStart+tokens` are stored.
    public func store(layer: Int, k: Tensor, v: Tensor, rowStart: Int, tokens: Int) {
        let width = kvHeads * headDim
        precondition(k.shape.last == width && v.shape.last == width, "KVCache.store: width mismatch")
        precondition(count + tokens <= capacity, "KVCache.store: reserve first")
        precondition((rowStart + tokens) * width <= k.count)
        let kp = k.storage.pointer
        let vp = v.storage.pointer
        for t in 0..<tokens {
            for h in 0..<kvHeads {
                let src = (rowStart + t) * width + h * headDim
                let dst = (h * capacity + count + t) * headDim
                (keys[layer] + dst).update(from: kp + src, count: headDim)
                (values[layer] + dst).update(from: vp + src, count: headDim)
            }
        }
    }

    /// Accepts `tokens` slots written by `store` for every layer.
    /// - Parameter padding: per new slot, whether it is padding (nil: none is).
    public func commit(_ tokens: Int, padding: [Bool]? = nil) {
        precondition(count + tokens <= capacity)
        precondition(padding == nil || padding!.count == tokens)
        let tracked = !isPadding.isEmpty
        if tracked || padding?.contains(true) == true {
            if !tracked { isPadding = Array(repeating: false, count: count) }
            isPadding += padding ?? Array(repeating: false, count: tokens)
        }
        count += tokens
    }

    /// Drops every cached token (keeps the allocation).
    public func reset() {
        count = 0
        nextPosition = 0
        isPadding = []
    }

    /// Key rows of `head` in `layer`: [slots, headDim] starting at slot 0.
    func keyPointer(layer: Int, head: Int) -> UnsafeMutablePointer<Float> { keys[layer] + head * capacity * headDim }
    /// Value rows of `head` in `layer`.
    func valuePointer(layer: Int, head: Int) -> UnsafeMutablePointer<Float> { values[layer] + head * capacity * headDim }

    private func grow(to newCapacity: Int) {
        let per = kvHeads * newCapacity * headDim
        var newKeys: [UnsafeMutablePointer<Float>] = []
        var newValues: [UnsafeMutablePointer<Float>] = []
        for l in 0..<layerCount {
            let k = UnsafeMutablePointer<Float>.allocate(capacity: max(per, 1))
            let v = UnsafeMutablePointer<Float>.allocate(capacity: max(per, 1))
            if capacity > 0 {
                for h in 0..<kvHeads {
                    (k + h * newCapacity * headDim).update(from: keys[l] + h * capacity * headDim, count: count * headDim)
                    (v + h * newCapacity * headDim).update(from: values[l] + h * capacity * headDim, count: count * headDim)
                }
                keys[l].deallocate()
                values[l].deallocate()
            }
            newKeys.append(k)
            newValues.append(v)
        }
        keys = newKeys
        values = newValues
        capacity = newCapacity
    }
}
