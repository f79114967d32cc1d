import Foundation

/// Default addresses and the checks that keep listeners local (RELIABILITY.md §5.1).
public enum ListenAddress {
    /// The private runtime directory: `$EMU3_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/emu3`,
    /// else `/tmp/emu3-<uid>`; created with mode 0700.
    public static func runtimeDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let d = environment["EMU3_RUNTIME_DIR"], !d.isEmpty { return d }
        if let x = environment["XDG_RUNTIME_DIR"], !x.isEmpty { return x + "/emu3" }
        return "/tmp/emu3-\(getuid())"
    }

    /// `ipc://<runtime dir>/<service>.ipc`.
    public static func defaultURL(service: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        "ipc://\(runtimeDirectory(environment: environment))/\(service).ipc"
    }

    /// Checks a listen URL and prepares what it needs (the private ipc directory).
    /// - Throws: `ConfigError` for a public TCP address without `allowPublic`, an unknown
    ///   scheme, or an ipc directory that is not ours or is open to others.
    public static func prepare(_ url: String, allowPublic: Bool) throws {
        if url.hasPrefix("ipc://") {
            let path = String(url.dropFirst("ipc://".count))
            guard path.hasPrefix("/") else { throw ConfigError("ipc address must be an absolute path: \(url)") }
            let dir = (path as NSString).deletingLastPathComponent
            try ensurePrivateDirectory(dir)
        } else if url.hasPrefix("tcp://") {
            let rest = url.dropFirst("tcp://".count)
            let host: Substring
            if rest.hasPrefix("[") { host = rest.dropFirst().prefix { $0 != "]" } } else { host = rest.prefix { $0 != ":" } }
            let loopback = host == "127.0.0.1" || host == "localhost" || host == "::1" || host.hasPrefix("127.")
            if !loopback && !allowPublic {
                throw ConfigError("refusing to listen on \(url): only loopback TCP addresses are allowed without --listen-public")
            }
        } else if url.hasPrefix("inproc://") {
            return
        } else {
            throw ConfigError("unsupported address \(url): use ipc:///path or tcp://127.0.0.1:PORT")
        }
    }

    /// Creates `dir` with mode 0700 if missing; refuses one owned by someone else or
    /// readable by others.
    public static func ensurePrivateDirectory(_ dir: String) throws {
        var st = stat()
        if stat(dir, &st) != 0 {
            guard mkdir(dir, 0o700) == 0 || errno == EEXIST else {
                throw ConfigError("cannot create \(dir): \(String(cString: strerror(errno)))")
            }
            _ = stat(dir, &st)
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw ConfigError("\(dir) is not a directory") }
        guard st.st_uid == getuid() else { throw ConfigError("\(dir) belongs to uid \(st.st_uid), not to us (\(getuid()))") }
        if st.st_mode & 0o077 != 0 {
            throw ConfigError("\(dir) is open to other users (mode \(String(st.st_mode & 0o777, radix: 8))); use a 0700 directory")
        }
    }
}
