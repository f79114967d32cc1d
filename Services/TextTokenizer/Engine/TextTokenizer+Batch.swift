// Batch encode/decode split across cores (the service's Encode/Decode take batches), and the
// batch limits the service enforces (RELIABILITY.md §6.2).

import Dispatch
import Foundation

/// Limits on one batch request. The service maps a violation to a status code.
public struct TextBatchLimits: Sendable, Equatable {
    /// Most texts (Encode) or id sequences (Decode) in one batch.
    public var maxItems: Int
    /// Most UTF-8 bytes over all texts of one Encode batch.
    public var maxTotalBytes: Int
    /// Most ids over all sequences of one Decode batch.
    public var maxTotalIDs: Int
    /// Reject texts containing U+0000 (RELIABILITY.md §6.2: "valid UTF-8, no NUL").
    public var rejectNUL: Bool

    public init(maxItems: Int = 1024, maxTotalBytes: Int = 1 << 20, maxTotalIDs: Int = 1 << 20, rejectNUL: Bool = true) {
        self.maxItems = maxItems
        self.maxTotalBytes = maxTotalBytes
        self.maxTotalIDs = maxTotalIDs
        self.rejectNUL = rejectNUL
    }

    /// Checks an Encode batch of raw UTF-8 texts: count, total size, then each text's UTF-8 and NUL.
    /// - Returns: the texts as Strings.
    /// - Throws: `tooManyItems`, `batchTooLarge`, or `batchItem(index:error:)` wrapping
    ///   `invalidUTF8`/`nulCharacter` for the first bad text.
    public func validateEncode(utf8 texts: [[UInt8]]) throws -> [String] {
        guard texts.count <= maxItems else { throw TextTokenizerError.tooManyItems(count: texts.count, limit: maxItems) }
        let total = texts.reduce(0) { $0 + $1.count }
        guard total <= maxTotalBytes else { throw TextTokenizerError.batchTooLarge(size: total, limit: maxTotalBytes) }
        return try texts.enumerated().map { index, bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw TextTokenizerError.batchItem(
                    index: index, error: .invalidUTF8(byteOffset: firstInvalidUTF8Offset(bytes) ?? 0))
            }
            if rejectNUL, let nul = bytes.firstIndex(of: 0) {
                throw TextTokenizerError.batchItem(index: index, error: .nulCharacter(byteOffset: nul))
            }
            return text
        }
    }

    /// Checks an Encode batch of Strings (already valid Unicode): count, size, NUL.
    public func validateEncode(_ texts: [String]) throws {
        guard texts.count <= maxItems else { throw TextTokenizerError.tooManyItems(count: texts.count, limit: maxItems) }
        let total = texts.reduce(0) { $0 + $1.utf8.count }
        guard total <= maxTotalBytes else { throw TextTokenizerError.batchTooLarge(size: total, limit: maxTotalBytes) }
        if rejectNUL {
            for (index, text) in texts.enumerated() {
                if let nul = text.utf8.firstIndex(of: 0) {
                    let offset = text.utf8.distance(from: text.utf8.startIndex, to: nul)
                    throw TextTokenizerError.batchItem(index: index, error: .nulCharacter(byteOffset: offset))
                }
            }
        }
    }

    /// Checks a Decode batch: count and total ids (ids themselves are checked by decoding).
    public func validateDecode(_ sequences: [[Int32]]) throws {
        guard sequences.count <= maxItems else {
            throw TextTokenizerError.tooManyItems(count: sequences.count, limit: maxItems)
        }
        let total = sequences.reduce(0) { $0 + $1.count }
        guard total <= maxTotalIDs else { throw TextTokenizerError.batchTooLarge(size: total, limit: maxTotalIDs) }
    }
}

extension TextTokenizer {
    /// Encodes many texts, split across up to `maxThreads` cores (default: all).
    /// - Returns: one id array per text, in order.
    public func encodeBatch(_ texts: [String], allowSpecial: Bool = false, maxThreads: Int? = nil) -> [[Int32]] {
        let weights = texts.map { $0.utf8.count + 16 }
        return parallelMap(count: texts.count, weights: weights, maxThreads: maxThreads) { range in
            var scratch = MergeScratch()
            return range.map { index in
                var out: [Int32] = []
                encode(texts[index], allowSpecial: allowSpecial, scratch: &scratch, into: &out)
                return out
            }
        }
    }

    /// Decodes many id sequences, split across cores.
    /// - Throws: `batchItem(index:error:)` wrapping the first sequence's `idOutOfVocabulary`.
    public func decodeBatch(_ sequences: [[Int32]], skipSpecial: Bool = false, maxThreads: Int? = nil) throws -> [String] {
        let weights = sequences.map { $0.count + 16 }
        let results: [Result<String, TextTokenizerError>] = parallelMap(
            count: sequences.count, weights: weights, maxThreads: maxThreads
        ) { range in
            range.map { index in
                Result { try decode(sequences[index], skipSpecial: skipSpecial) }
                    .mapError { TextTokenizerError.batchItem(index: index, error: $0 as! TextTokenizerError) }
            }
        }
        return try results.map { try $0.get() }
    }
}

/// Maps contiguous index ranges of similar total weight to results on several threads
/// (DispatchQueue.concurrentPerform), keeping the order.
func parallelMap<T: Sendable>(
    count: Int, weights: [Int], maxThreads: Int?, _ body: (Range<Int>) -> [T]
) -> [T] {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let total = weights.reduce(0, +)
    // Below ~64 KiB of work a thread hop costs more than it saves.
    let byWork = max(1, total / 65_536)
    let threads = max(1, min(maxThreads ?? cores, cores, count, byWork))
    if threads == 1 { return body(0..<count) }
    // Split into `threads` ranges of about equal weight.
    var bounds = [0]
    var accumulated = 0
    for (index, weight) in weights.enumerated() {
        accumulated += weight
        if accumulated * threads >= total * bounds.count && bounds.count < threads && index + 1 < count {
            bounds.append(index + 1)
        }
    }
    bounds.append(count)
    let parts = bounds.count - 1
    let ranges = (0..<parts).map { bounds[$0]..<bounds[$0 + 1] }
    let slots = UnsafeMutableBufferPointer<[T]>.allocate(capacity: parts)
    slots.initialize(repeating: [])
    defer { slots.deinitialize(); slots.deallocate() }
    nonisolated(unsafe) let output = slots
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            output[part] = body(ranges[part])  // each part writes its own slot
        }
    }
    return slots.flatMap { $0 }
}
