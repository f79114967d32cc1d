import Dispatch
import Emu3Proto
import Foundation
import Logging
import NNG

/// What a service process is: its name, its defaults, and facts for `Info`.
public struct ServiceDescriptor: Sendable {
    public let name: String           // "text-tokenizer" → process "emu3-text-tokenizer"
    public let defaults: ServiceConfig

    public init(name: String, defaults: ServiceConfig) {
        self.name = name
        self.defaults = defaults
    }

    public var processName: String { "emu3-" + name }

    /// Defaults shared by all services, with the per-service receive limit (RELIABILITY.md §6.2).
    public static func standardDefaults(service: String, recvMaxBytes: Int, maxInFlight: Int,
                                        graceSeconds: Double = 30) -> ServiceConfig {
        ServiceConfig(listen: [ListenAddress.defaultURL(service: service)], recvMaxBytes: recvMaxBytes,
                      contexts: 64, maxInFlight: maxInFlight, threads: 0, model: "",
                      graceSeconds: graceSeconds, logLevel: "info", listenPublic: false)
    }
}

/// The project version, reported by Info and `--version`.
public let emu3Version = "0.1.0"

/// Runs one service process: resolves its configuration, opens the server, answers Health
/// (NOT_SERVING while loading) and Info, loads the model, serves, and on SIGTERM/SIGINT
/// drains (RELIABILITY.md §6.3) and exits 0.
public final class ServiceHost: @unchecked Sendable {
    public let descriptor: ServiceDescriptor
    public let config: ServiceConfig
    public let server: RPCServer
    public let logger: Logger
    // protected by `lock`.
    private let lock = Lock()
    private var details: [String: String] = [:]
    private var modelName = ""
    private var modelLoaded = false
    private let started = monotonicNanoseconds()

    /// Resolves the configuration from `options` (printing it and exiting for
    /// `--print-config`), bootstraps logging, and opens the server (not yet listening).
    public init(descriptor: ServiceDescriptor, options: ServeOptions) throws {
        self.descriptor = descriptor
        let (config, sources) = try ServiceConfig.resolve(service: descriptor.name, defaults: descriptor.defaults,
                                                          flags: options.givenFlags, configFile: options.config)
        if options.printConfig {
            print(config.printable(sources: sources))
            exit(0)
        }
        self.config = config
        let level = Logger.Level(rawValue: config.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        var log = Logger(label: "emu3.\(descriptor.name)")
        log.logLevel = level
        logger = log
        var serverOptions = ServerOptions(recvMaxBytes: config.recvMaxBytes, contexts: config.contexts)
        serverOptions.maxConnections = 512
        serverOptions.faultDelaysMs = RPCServer.faultDelays(from: ProcessInfo.processInfo.environment["EMU3_FAULTS"])
        server = try RPCServer(serviceName: descriptor.processName, options: serverOptions, logger: log)
        details["libnng"] = nngVersion
        registerHealthAndInfo()
    }

    /// Adds a fact to Info's details (library versions, model facts, limits).
    public func setDetail(_ key: String, _ value: String) { lock.withLock { details[key] = value } }

    /// The compute threads to use: the configured number, or all cores for 0.
    public var computeThreads: Int {
        config.threads > 0 ? config.threads : ProcessInfo.processInfo.activeProcessorCount
    }

    /// An admission gate sized by `max_in_flight`.
    public func makeAdmissionGate(retryAfterMs: Int64 = 100) -> AdmissionGate {
        AdmissionGate(limit: config.maxInFlight, retryAfterMs: retryAfterMs)
    }

    /// Listens, runs `load` (Health answers NOT_SERVING meanwhile), then serves until
    /// SIGTERM or SIGINT; drains and exits 0. A failing `load` is logged with its reason and
    /// the process exits 3 without ever answering SERVING.
    public func run(model: String = "", load: () throws -> Void) -> Never {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let stopRequested = DispatchSemaphore(value: 0)
        let sources = [SIGTERM, SIGINT].map { sig -> DispatchSourceSignal in
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { stopRequested.signal() }
            s.resume()
            return s
        }
        do {
            for url in config.listen { try ListenAddress.prepare(url, allowPublic: config.listenPublic) }
            try server.start(listening: config.listen)
        } catch {
            logger.critical("cannot listen", metadata: ["listen": "\(config.listen)", "error": "\(error)"])
            exit(2)
        }
        logger.info("listening", metadata: ["listen": "\(config.listen.joined(separator: ","))",
                                             "recv_max_bytes": "\(config.recvMaxBytes)", "pid": "\(getpid())"])
        do {
            try load()
        } catch {
            logger.critical("model failed to load; refusing to become ready", metadata: ["error": "\(error)"])
            server.stop()
            exit(3)
        }
        lock.withLock { modelName = model; modelLoaded = !model.isEmpty }
        server.setServing()
        logger.info("serving", metadata: ["service": "\(descriptor.processName)", "model": "\(model)"])
        stopRequested.wait()
        logger.info("draining", metadata: ["in_flight": "\(server.inFlight)", "grace_s": "\(config.graceSeconds)"])
        let cut = server.drain(grace: .milliseconds(Int64(config.graceSeconds * 1000)))
        server.stop()
        withExtendedLifetime(sources) {}
        logger.info("stopped", metadata: ["cancelled": "\(cut)"])
        exit(0)
    }

    private func registerHealthAndInfo() {
        let processName = descriptor.processName
        let serviceName = descriptor.name
        server.register(HealthMethods.check) { [unowned self] (request: HealthCheckRequest, _) in
            guard request.service.isEmpty || request.service == processName || request.service == serviceName else {
                throw RPCError(.notFound, "unknown health service \"\(request.service)\"")
            }
            var response = HealthCheckResponse()
            response.status = self.server.state == .serving ? .serving : .notServing
            return response
        }
        server.register(HealthMethods.info) { [unowned self] (_: InfoRequest, _) in
            var r = InfoResponse()
            r.name = processName
            r.version = emu3Version
            let (model, loaded, details) = self.lock.withLock { (self.modelName, self.modelLoaded, self.details) }
            r.model = model
            r.modelLoaded = loaded
            r.threads = Int32(clamping: self.computeThreads)
            r.recvMaxBytes = Int64(self.config.recvMaxBytes)
            r.contexts = Int32(clamping: self.config.contexts)
            r.maxInFlight = Int32(clamping: self.config.maxInFlight)
            r.methods = self.server.methods
            var facts = details
            facts["requests.in_flight"] = "\(self.server.inFlight)"  // this Info request included
            r.details = facts.keys.sorted().map { KeyValue(key: $0, value: facts[$0]!) }
            r.uptimeMs = Int64((monotonicNanoseconds() - self.started) / 1_000_000)
            return r
        }
    }
}
