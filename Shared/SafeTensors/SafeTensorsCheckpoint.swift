// A checkpoint as Hugging Face saves it: one `model.safetensors`, or shards listed by
// `model.safetensors.index.json` ({"metadata": {...}, "weight_map": {tensor: shard file}}).
import Foundation

/// A validated checkpoint: one name → tensor lookup across all its files.
///
/// For a sharded checkpoint every tensor in the index must be in its shard, every tensor in
/// a shard must be listed for that shard, and no name may be in two shards.
public final class SafeTensorsCheckpoint: SafeTensorsStore {
    /// The single-file name.
    public static let singleFileName = "model.safetensors"
    /// The shard index name.
    public static let indexFileName = "model.safetensors.index.json"

    /// The files, in shard-name order (one for a single-file checkpoint).
    public let files: [SafeTensorsFile]
    /// Every tensor name, sorted.
    public let tensorNames: [String]
    private let fileIndexByName: [String: Int]

    /// Opens `directory/model.safetensors.index.json` if present, else
    /// `directory/model.safetensors`.
    /// - Throws: `.noCheckpoint`, or any error of `init(indexFile:)` / `init(file:)`.
    public convenience init(directory: URL) throws(SafeTensorsError) {
        let index = directory.appendingPathComponent(Self.indexFileName)
        let single = directory.appendingPathComponent(Self.singleFileName)
        if FileManager.default.fileExists(atPath: index.path) {
            try self.init(indexFile: index)
        } else if FileManager.default.fileExists(atPath: single.path) {
            try self.init(file: single)
        } else {
            throw .noCheckpoint(directory: directory.path)
        }
    }

    /// A checkpoint of one file.
    public init(file: URL) throws(SafeTensorsError) {
        let file = try SafeTensorsFile(url: file)
        files = [file]
        tensorNames = file.tensorNames.sorted()
        fileIndexByName = Dictionary(uniqueKeysWithValues: file.tensorNames.map { ($0, 0) })
    }

    /// A sharded checkpoint; shard files are looked up next to the index.
    public init(indexFile: URL) throws(SafeTensorsError) {
        let weightMap = try Self.readWeightMap(indexFile)
        let directory = indexFile.deletingLastPathComponent()
        let shardNames = Set(weightMap.values).sorted()
        var files: [SafeTensorsFile] = []
        for shard in shardNames {
            files.append(try SafeTensorsFile(url: directory.appendingPathComponent(shard)))
        }
        var fileIndexByName: [String: Int] = [:]
        for (i, file) in files.enumerated() {
            for name in file.tensorNames {
                guard let listed = weightMap[name] else { throw .tensorNotInIndex(name: name, shard: shardNames[i]) }
                if let earlier = fileIndexByName[name] {
                    throw .tensorInTwoShards(name: name, shards: [shardNames[earlier], shardNames[i]])
                }
                guard listed == shardNames[i] else { throw .tensorInTwoShards(name: name, shards: [listed, shardNames[i]]) }
                fileIndexByName[name] = i
            }
        }
        for (name, shard) in weightMap.sorted(by: { $0.key < $1.key }) where fileIndexByName[name] == nil {
            throw .tensorMissingFromShard(name: name, shard: shard)
        }
        self.files = files
        self.fileIndexByName = fileIndexByName
        self.tensorNames = fileIndexByName.keys.sorted()
    }

    /// The file that holds tensor `name`.
    public func file(containing name: String) throws(SafeTensorsError) -> SafeTensorsFile {
        guard let index = fileIndexByName[name] else { throw .tensorNotFound(name: name) }
        return files[index]
    }

    public func info(_ name: String) throws(SafeTensorsError) -> TensorInfo {
        try file(containing: name).info(name)
    }

    public func withRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try file(containing: name).withRawBytes(name, body)
    }

    /// Reads `weight_map` with the strict JSON parser (duplicate names are an error) and
    /// checks each shard is a plain file name, so an index cannot point outside its folder.
    private static func readWeightMap(_ url: URL) throws(SafeTensorsError) -> [String: String] {
        let path = url.path
        let mapping = try MappedFile(path: path)
        guard String(validating: mapping.bytes, as: UTF8.self) != nil else {
            throw .invalidIndex(file: path, reason: "not valid UTF-8")
        }
        let root: JSONValue
        do throws(JSONParseError) {
            root = try StrictJSONParser.parse(mapping.bytes)
        } catch {
            switch error {
            case .syntax(let reason): throw .invalidIndex(file: path, reason: reason)
            case .duplicateKey(let key): throw .invalidIndex(file: path, reason: "key '\(key)' appears twice")
            }
        }
        guard case .object(let members) = root,
              case .object(let entries)? = members.first(where: { $0.key == "weight_map" })?.value
        else { throw .invalidIndex(file: path, reason: "no 'weight_map' object") }
        var weightMap: [String: String] = [:]
        for (name, value) in entries {
            guard case .string(let shard) = value else {
                throw .invalidIndex(file: path, reason: "shard of '\(name)' is not a string")
            }
            guard !shard.isEmpty, shard != ".", shard != "..", !shard.contains("/"), !shard.contains("\0") else {
                throw .invalidIndex(file: path, reason: "shard '\(shard)' of '\(name)' is not a plain file name")
            }
            weightMap[name] = shard
        }
        guard !weightMap.isEmpty else { throw .invalidIndex(file: path, reason: "'weight_map' is empty") }
        return weightMap
    }
}
