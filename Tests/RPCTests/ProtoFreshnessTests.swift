import Foundation
import Testing

/// The protobuf-c output is committed; this fails when it no longer matches proto/.
@Suite struct ProtoFreshnessTests {
    @Test func generatedCodeMatchesProtoFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let p = Process()
        p.executableURL = root.appendingPathComponent("scripts/check-proto.sh")
        let err = Pipe()
        p.standardError = err
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
    }

    @Test func noMessageTypeIsRecursive() throws {
        // protobuf-c 1.4.1 has no nesting limit (RELIABILITY.md §0.5): a message may not
        // contain itself, directly or through another message.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("proto/emu3/v1")
        var fields: [String: Set<String>] = [:]
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) where f.hasSuffix(".proto") {
            var current: [String] = []
            for raw in try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8).split(separator: "\n") {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("message ") { current.append(String(line.split(separator: " ")[1])); fields[current.last!] = [] }
                else if line.hasPrefix("enum ") { current.append("enum") }
                else if line.hasPrefix("}") && !current.isEmpty { current.removeLast() }
                else if let m = current.last, m != "enum" {
                    let words = line.split(separator: " ").map(String.init).filter { $0 != "repeated" && $0 != "optional" }
                    if words.count >= 3, words[2] == "=" || words.count >= 4 { fields[m, default: []].insert(words[0]) }
                }
            }
        }
        func reaches(_ from: String, _ target: String, _ seen: inout Set<String>) -> Bool {
            for t in fields[from] ?? [] where fields[t] != nil {
                if t == target { return true }
                if seen.insert(t).inserted && reaches(t, target, &seen) { return true }
            }
            return false
        }
        #expect(fields.count > 20)
        for m in fields.keys {
            var seen: Set<String> = []
            #expect(!reaches(m, m, &seen), "\(m) is recursive")
        }
    }
}
