import ArgumentParser

/// The flags every service's `serve` subcommand takes (`@OptionGroup var serve: ServeOptions`).
/// Unset flags fall back to the environment, the config file and the defaults.
public struct ServeOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("Address to listen on (repeatable): ipc:///path/x.ipc or tcp://127.0.0.1:PORT. Default: ipc://<runtime dir>/<service>.ipc in a private 0700 directory.", valueName: "url"))
    public var listen: [String] = []

    @Option(name: .long, help: ArgumentHelp("JSON config file (flat keys, or one section per service such as \"text_tokenizer\").", valueName: "file"))
    public var config: String?

    @Option(name: .long, help: ArgumentHelp("Largest message accepted, in bytes (NNG_OPT_RECVMAXSZ); larger ones drop the connection.", valueName: "bytes"))
    public var recvMaxBytes: Int?

    @Option(name: .long, help: "Requests the socket accepts at once.")
    public var contexts: Int?

    @Option(name: .long, help: "Work admitted at once; more gets RESOURCE_EXHAUSTED with retry_after_ms.")
    public var maxInFlight: Int?

    @Option(name: .long, help: "Compute threads (0 = all cores).")
    public var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Model directory (default: the embedded emu3-tiny).", valueName: "dir"))
    public var model: String?

    @Option(name: .long, help: ArgumentHelp("On SIGTERM, how long in-flight work may finish before it is cancelled.", valueName: "seconds"))
    public var graceSeconds: Double?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    public var logLevel: String?

    @Flag(name: .long, help: "Allow TCP listeners on non-loopback addresses.")
    public var listenPublic = false

    @Flag(name: .long, help: "Print the resolved configuration (and where each value came from) and exit.")
    public var printConfig = false

    public init() {}

    /// The flags actually given, keyed as in config files.
    public var givenFlags: [String: String] {
        var f: [String: String] = [:]
        if !listen.isEmpty { f["listen"] = listen.joined(separator: ",") }
        if let v = recvMaxBytes { f["recv_max_bytes"] = "\(v)" }
        if let v = contexts { f["contexts"] = "\(v)" }
        if let v = maxInFlight { f["max_in_flight"] = "\(v)" }
        if let v = threads { f["threads"] = "\(v)" }
        if let v = model { f["model"] = v }
        if let v = graceSeconds { f["grace_seconds"] = "\(v)" }
        if let v = logLevel { f["log_level"] = v }
        if listenPublic { f["listen_public"] = "true" }
        return f
    }
}
