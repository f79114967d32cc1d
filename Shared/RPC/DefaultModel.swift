import Foundation

/// Finds model directories. The embedded default is `models/emu3-tiny`, shipped in the
/// repository; it is looked up relative to the executable (a build folder inside the
/// checkout, or an install prefix's `share/emu3-swift`), then relative to the working
/// directory, so a fresh clone works with no set-up.
public enum DefaultModel {
    public static let name = "emu3-tiny"

    /// `explicit` if given (must exist), else `EMU3_MODEL`, else the embedded default.
    /// - Throws: `ConfigError` naming the paths tried.
    public static func resolve(_ explicit: String?) throws -> URL {
        if let explicit, !explicit.isEmpty { return try existing(explicit) }
        if let env = ProcessInfo.processInfo.environment["EMU3_MODEL"], !env.isEmpty { return try existing(env) }
        let tried = candidates()
        for c in tried where FileManager.default.fileExists(atPath: c.appendingPathComponent("config.json").path) {
            return c.standardizedFileURL
        }
        throw ConfigError("the default model \(name) was not found (looked in: \(tried.map(\.path).joined(separator: ", "))); pass --model DIR")
    }

    static func existing(_ path: String) throws -> URL {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw ConfigError("model directory \(path) does not exist")
        }
        return URL(fileURLWithPath: path).standardizedFileURL
    }

    static func candidates() -> [URL] {
        var out: [URL] = []
        // the executable's real path: argv[0] is a bare name when it was found through PATH
        let exe = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments.first ?? "."))
            .resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        out.append(dir.appendingPathComponent("../share/emu3-swift/models/\(name)"))
        for _ in 0..<6 {
            out.append(dir.appendingPathComponent("models/\(name)"))
            dir = dir.deletingLastPathComponent()
        }
        var cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<4 {
            out.append(cwd.appendingPathComponent("models/\(name)"))
            cwd = cwd.deletingLastPathComponent()
        }
        return out.map(\.standardizedFileURL)
    }
}
