// Shared/CEmu3Proto must be exactly what scripts/gen-proto.sh makes from proto/emu3/v1:
// the generated C is committed, so an edited .proto without regeneration fails here.
import Foundation
import Testing

private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private let protocCAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/protoc-c")

@Suite("Emu3Proto generated code")
struct ProtoFreshnessTests {
    @Test(.enabled(if: protocCAvailable, "protoc-c is not installed (apt-get install protobuf-c-compiler)"))
    func committedProtobufCOutputMatchesTheProtoFiles() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("proto-fresh-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repositoryRoot.appendingPathComponent("scripts/gen-proto.sh").path, scratch.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)

        let committed = repositoryRoot.appendingPathComponent("Shared/CEmu3Proto")
        let generated = try relativeFiles(under: scratch)
        #expect(generated.count >= 14)  // 6 .h + 6 .c + umbrella header + module map
        #expect(generated == (try relativeFiles(under: committed)), "files added or removed: rerun scripts/gen-proto.sh")
        for path in generated {
            let fresh = try Data(contentsOf: scratch.appendingPathComponent(path))
            let old = try? Data(contentsOf: committed.appendingPathComponent(path))
            #expect(fresh == old, "\(path) is stale: rerun scripts/gen-proto.sh")
        }
    }
}

/// Regular files below `root`, as sorted relative paths.
private func relativeFiles(under root: URL) throws -> [String] {
    let rootPath = root.standardizedFileURL.path
    guard let walker = FileManager.default.enumerator(atPath: rootPath) else { return [] }
    var paths: [String] = []
    while let path = walker.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: rootPath + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
            paths.append(path)
        }
    }
    return paths.sorted()
}
