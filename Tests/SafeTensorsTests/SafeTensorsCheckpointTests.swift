// Single-file and sharded checkpoints (model.safetensors.index.json).
import Foundation
import SafeTensors
import Testing

/// Writes an index with `weightMap` into `directory`.
private func writeIndex(_ weightMap: [(String, String)], in directory: URL, raw: String? = nil) throws {
    let entries = weightMap.map { "\"\($0.0)\": \"\($0.1)\"" }.joined(separator: ", ")
    let text = raw ?? "{\"metadata\": {\"total_size\": 40}, \"weight_map\": {\(entries)}}"
    try Data(text.utf8).write(to: directory.appendingPathComponent(SafeTensorsCheckpoint.indexFileName))
}

/// Two shards: a.safetensors = {x: [1, 2], y: [3]}, b.safetensors = {z: [4, 5, 6]}.
private func writeShards(in directory: URL, extraInB: [SafeTensorsWriter.Tensor] = []) throws {
    try SafeTensorsWriter.write([.f32("x", shape: [2], [1, 2]), .f32("y", shape: [1], [3])],
                                to: directory.appendingPathComponent("a.safetensors"))
    try SafeTensorsWriter.write([.f32("z", shape: [3], [4, 5, 6])] + extraInB,
                                to: directory.appendingPathComponent("b.safetensors"))
}

private let goodMap = [("x", "a.safetensors"), ("y", "a.safetensors"), ("z", "b.safetensors")]

/// Opens the checkpoint in `directory`; returns the error or nil.
private func openCheckpointError(_ directory: URL) -> SafeTensorsError? {
    do throws(SafeTensorsError) {
        _ = try SafeTensorsCheckpoint(directory: directory)
        return nil
    } catch {
        return error
    }
}

@Suite("SafeTensors checkpoints")
struct SafeTensorsCheckpointTests {
    @Test func aShardedCheckpointGivesOneLookup() throws {
        try withTemporaryDirectory { directory in
            try writeShards(in: directory)
            try writeIndex(goodMap, in: directory)
            let checkpoint = try SafeTensorsCheckpoint(directory: directory)
            #expect(checkpoint.files.count == 2)
            #expect(checkpoint.tensorNames == ["x", "y", "z"])
            #expect(try checkpoint.floats("z") == [4, 5, 6])
            #expect(try checkpoint.floats("x") == [1, 2])
            #expect(try checkpoint.info("y").shape == [1])
            #expect(try checkpoint.file(containing: "z").url.lastPathComponent == "b.safetensors")
            #expect(try checkpoint.withRawBytes("y") { $0.count } == 4)
            #expect(throws: SafeTensorsError.tensorNotFound(name: "w")) { try checkpoint.info("w") }
            try checkpoint.requireExactTensorNames(["x", "y", "z"])
        }
    }

    @Test func aSingleFileDirectoryWorksAndAnEmptyOneDoesNot() throws {
        try withTemporaryDirectory { directory in
            #expect(openCheckpointError(directory) == .noCheckpoint(directory: directory.path))
            try SafeTensorsWriter.write([.f32("w", shape: [1], [9])],
                                        to: directory.appendingPathComponent(SafeTensorsCheckpoint.singleFileName))
            let checkpoint = try SafeTensorsCheckpoint(directory: directory)
            #expect(checkpoint.tensorNames == ["w"])
            #expect(try checkpoint.floats("w") == [9])
        }
    }

    @Test func anIndexEntryMissingFromItsShardIsRejected() throws {
        try withTemporaryDirectory { directory in
            try writeShards(in: directory)
            try writeIndex(goodMap + [("ghost", "b.safetensors")], in: directory)
            #expect(openCheckpointError(directory) == .tensorMissingFromShard(name: "ghost", shard: "b.safetensors"))
        }
    }

    @Test func aShardTensorTheIndexDoesNotListIsRejected() throws {
        try withTemporaryDirectory { directory in
            try writeShards(in: directory, extraInB: [.f32("stray", shape: [1], [0])])
            try writeIndex(goodMap, in: directory)
            #expect(openCheckpointError(directory) == .tensorNotInIndex(name: "stray", shard: "b.safetensors"))
        }
    }

    @Test func aNameInTwoShardsIsRejected() throws {
        try withTemporaryDirectory { directory in
            try writeShards(in: directory, extraInB: [.f32("x", shape: [2], [7, 7])])
            try writeIndex(goodMap, in: directory)
            #expect(openCheckpointError(directory) == .tensorInTwoShards(name: "x", shards: ["a.safetensors", "b.safetensors"]))
        }
    }

    @Test func anIndexPointingAtTheWrongShardIsRejected() throws {
        try withTemporaryDirectory { directory in
            try writeShards(in: directory)
            try writeIndex([("x", "a.safetensors"), ("y", "b.safetensors"), ("z", "b.safetensors")], in: directory)
            #expect(openCheckpointError(directory) == .tensorInTwoShards(name: "y", shards: ["b.safetensors", "a.safetensors"]))
        }
    }

    @Test(arguments: [
        ("{\"weight_map\": {\"x\": \"a.safetensors\", \"x\": \"b.safetensors\"}}", "duplicate name"),
        ("{\"weight_map\": {\"x\": \"../a.safetensors\"}}", "path outside the folder"),
        ("{\"weight_map\": {\"x\": \"/etc/passwd\"}}", "absolute path"),
        ("{\"weight_map\": {\"x\": 1}}", "non-string shard"),
        ("{\"weight_map\": {}}", "empty map"),
        ("{\"metadata\": {}}", "no weight_map"),
        ("[1, 2]", "not an object"),
        ("{\"weight_map\": ", "truncated JSON"),
    ])
    func malformedIndexesAreRejected(index: String, why: String) throws {
        try withTemporaryDirectory { directory in
            try writeShards(in: directory)
            try writeIndex([], in: directory, raw: index)
            let error = openCheckpointError(directory)
            #expect(error.map(caseName) == "invalidIndex", "\(why): \(String(describing: error))")
        }
    }

    @Test func aMissingOrMalformedShardFailsWithItsOwnError() throws {
        try withTemporaryDirectory { directory in
            try writeShards(in: directory)
            try writeIndex(goodMap + [("w", "c.safetensors")], in: directory)
            #expect(openCheckpointError(directory).map(caseName) == "cannotOpen")
            try write([1, 2, 3], "c.safetensors", in: directory)
            #expect(openCheckpointError(directory) == .headerTooSmall(file: directory.appendingPathComponent("c.safetensors").path, fileSize: 3))
        }
    }
}
