// Parses and validates a safetensors header: RELIABILITY.md §3.2 rules 1–7 (as the
// reference crate's `SafeTensors::read_metadata` + `Metadata::validate`), plus our stricter
// rules: duplicate keys, unknown dtypes and unknown entry keys are errors, rank ≤ 8.
//
// Layout: [N: u64 little-endian][N bytes of JSON header][data section]. The data section
// must hold exactly the tensors' bytes, contiguous from offset 0 in offset order.

/// The validated contents of a header.
struct SafeTensorsHeader {
    /// Header JSON length N (the data section starts at 8 + N).
    let headerSize: Int
    /// Tensors in data-offset order.
    let tensors: [(name: String, info: TensorInfo)]
    /// The optional `__metadata__` string map.
    let metadata: [String: String]

    /// The reference crate's limit on N.
    static let maxHeaderSize: UInt64 = 100_000_000

    /// Validates `file` (the whole mapped file). `path` only labels errors.
    init(file: UnsafeRawBufferPointer, path: String) throws(SafeTensorsError) {
        // Rule 1: the 8-byte length, bounded before anything is allocated.
        guard file.count >= 8 else { throw .headerTooSmall(file: path, fileSize: file.count) }
        let n = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        guard n <= Self.maxHeaderSize else { throw .headerTooLarge(file: path, headerSize: n) }
        // Rule 2: 8 + N within the file (no overflow: N ≤ 1e8).
        guard 8 + Int(n) <= file.count else {
            throw .invalidHeaderLength(file: path, headerSize: n, fileSize: file.count)
        }
        headerSize = Int(n)
        let json = UnsafeRawBufferPointer(rebasing: file[8..<(8 + headerSize)])

        // Rule 3: UTF-8, then a JSON object (whitespace padding around it is allowed).
        guard String(validating: json, as: UTF8.self) != nil else { throw .invalidHeader(file: path) }
        let root: JSONValue
        do throws(JSONParseError) {
            root = try StrictJSONParser.parse(json)
        } catch {
            switch error {
            case .syntax(let reason): throw .invalidHeaderDeserialization(file: path, reason: reason)
            case .duplicateKey(let key): throw .duplicateKey(file: path, key: key)
            }
        }
        guard case .object(let members) = root else {
            throw .invalidHeaderDeserialization(file: path, reason: "the header is a JSON \(root.kindName), not an object")
        }

        var metadata: [String: String] = [:]
        var entries: [(name: String, entry: Entry)] = []
        for (key, value) in members {
            if key == "__metadata__" {
                metadata = try Self.parseMetadata(value, path: path)
            } else {
                entries.append((key, try Entry(name: key, value, path: path)))
            }
        }
        self.metadata = metadata
        self.tensors = try Self.validateLayout(entries, dataStart: 8 + headerSize, fileSize: file.count, path: path)
    }

    private static func parseMetadata(_ value: JSONValue, path: String) throws(SafeTensorsError) -> [String: String] {
        guard case .object(let members) = value else {
            throw .invalidHeaderDeserialization(file: path, reason: "__metadata__ is a \(value.kindName), not an object")
        }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let text) = value else {
                throw .invalidHeaderDeserialization(file: path, reason: "__metadata__ value '\(key)' is not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    /// Rules 4–7: sorted, contiguous offsets; checked sizes; exact data-section length.
    private static func validateLayout(
        _ entries: [(name: String, entry: Entry)], dataStart: Int, fileSize: Int, path: String
    ) throws(SafeTensorsError) -> [(name: String, info: TensorInfo)] {
        let sorted = entries.sorted { ($0.entry.begin, $0.entry.end) < ($1.entry.begin, $1.entry.end) }
        var tensors: [(name: String, info: TensorInfo)] = []
        tensors.reserveCapacity(sorted.count)
        var expectedBegin = 0
        for (name, entry) in sorted {
            guard entry.begin == expectedBegin, entry.end >= entry.begin else {
                throw .invalidOffset(file: path, name: name)
            }
            guard entry.shape.count <= SafeTensorsFile.maxRank else {
                throw .rankTooLarge(file: path, name: name, rank: entry.shape.count)
            }
            // Checked arithmetic: a shape like [2^32, 2^32, 2] must not wrap to a small size.
            var elements = 1
            for dimension in entry.shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw .validationOverflow(file: path, name: name) }
                elements = product
            }
            let (byteCount, overflow) = elements.multipliedReportingOverflow(by: entry.dtype.byteSize)
            guard !overflow else { throw .validationOverflow(file: path, name: name) }
            guard byteCount == entry.end - entry.begin else {
                throw .tensorInvalidInfo(file: path, name: name, expectedBytes: byteCount, actualBytes: entry.end - entry.begin)
            }
            tensors.append((name, TensorInfo(dtype: entry.dtype, shape: entry.shape, byteCount: byteCount,
                                             dataRange: entry.begin..<entry.end)))
            expectedBegin = entry.end
        }
        // Rule 6: no trailing bytes (polyglot files) and nothing missing. No overflow:
        // expectedBegin ≤ Int.max came from checked offsets, and dataStart ≤ 1e8 + 8.
        let (expectedFileSize, overflow) = dataStart.addingReportingOverflow(expectedBegin)
        guard !overflow, expectedFileSize == fileSize else {
            throw .metadataIncompleteBuffer(
                file: path, expectedFileSize: overflow ? Int.max : expectedFileSize, fileSize: fileSize)
        }
        return tensors
    }
}

/// One tensor entry of the header, type-checked but not yet laid out.
private struct Entry {
    let dtype: SafeTensorsDType
    let shape: [Int]
    let begin: Int
    let end: Int

    init(name: String, _ value: JSONValue, path: String) throws(SafeTensorsError) {
        func bad(_ reason: String) -> SafeTensorsError {
            .invalidHeaderDeserialization(file: path, reason: "tensor '\(name)': \(reason)")
        }
        guard case .object(let members) = value else { throw bad("entry is a \(value.kindName), not an object") }
        var dtypeValue: JSONValue?
        var shapeValue: JSONValue?
        var offsetsValue: JSONValue?
        for (key, value) in members {
            switch key {
            case "dtype": dtypeValue = value
            case "shape": shapeValue = value
            case "data_offsets": offsetsValue = value
            default: throw bad("unknown key '\(key)'")
            }
        }
        guard case .string(let dtypeName) = dtypeValue else { throw bad("missing or non-string 'dtype'") }
        guard case .array(let shapeItems) = shapeValue else { throw bad("missing or non-array 'shape'") }
        guard case .array(let offsetItems) = offsetsValue, offsetItems.count == 2 else {
            throw bad("'data_offsets' must be an array of two integers")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw .unknownDType(file: path, name: name, dtype: dtypeName)
        }
        var shape: [Int] = []
        for item in shapeItems {
            guard case .integer(negative: false, let magnitude) = item, let magnitude else {
                throw bad("shape holds \(item.kindName == "number" ? "a non-integer or negative number" : "a \(item.kindName)")")
            }
            // Dimensions are usize in the reference; one beyond Int.max cannot be laid out.
            guard let dimension = Int(exactly: magnitude) else { throw .validationOverflow(file: path, name: name) }
            shape.append(dimension)
        }
        var offsets: [Int] = []
        for item in offsetItems {
            guard case .integer(negative: false, let magnitude) = item else {
                throw bad("'data_offsets' must hold non-negative integers")
            }
            // An offset beyond Int.max (or beyond UInt64) is past the end of any file.
            guard let magnitude, let offset = Int(exactly: magnitude) else { throw .invalidOffset(file: path, name: name) }
            offsets.append(offset)
        }
        self.dtype = dtype
        self.shape = shape
        self.begin = offsets[0]
        self.end = offsets[1]
    }
}
