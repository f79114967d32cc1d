import ArgumentParser
import Foundation
import OrchestratorCore
import RPC

/// Options shared by `up`, `down`, `status`: where the supervisor keeps its files.
struct RuntimeDirOption: ParsableArguments {
    @Option(help: ArgumentHelp("Private folder for the ipc sockets, logs and state file (default: $EMU3_RUNTIME_DIR, else $XDG_RUNTIME_DIR/emu3, else /tmp/emu3-<uid>).", valueName: "dir"))
    var runtimeDir: String?
}

extension EndpointOptions {
    /// The URLs given as flags, by service name.
    var flags: [String: String] {
        var f: [String: String] = [:]
        f["text-tokenizer"] = textTokenizerUrl
        f["vision-tokenizer"] = visionTokenizerUrl
        f["backbone"] = backboneUrl
        f["evaluator"] = evaluatorUrl
        return f
    }

    /// Endpoints whose default addresses live in `runtimeDir`.
    func resolve(runtimeDir: String) throws -> Endpoints {
        try SupervisorConfiguration.endpoints(runtimeDir: runtimeDir, flags: flags, configFile: config)
    }
}

/// Prints a supervisor error in full (it may carry a service's last log lines) and exits 1.
func failWith(_ error: SupervisorError) -> ExitCode {
    FileHandle.standardError.write(Data("emu3-orchestrator: \(error)\n".utf8))
    return ExitCode(1)
}

struct Up: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the four services under a supervisor and return once they all serve.",
        discussion: """
            The services run as children of a supervisor (detached unless --foreground)
            that restarts a crashed one with back-off (0.5 s doubling to 30 s), logs each
            to <runtime dir>/<service>.log and writes <runtime dir>/supervisor.json.
            Services already serving at their address are left alone.
            Stop everything with `down`; see it with `status`.
            Example:
              emu3-orchestrator up && emu3-orchestrator status && emu3-orchestrator down
            """)

    @OptionGroup var runtime: RuntimeDirOption
    @OptionGroup var endpoints: EndpointOptions

    @Option(help: ArgumentHelp("Model directory passed to every service (default: each service's default, emu3-tiny).", valueName: "dir"))
    var model: String?

    @Flag(help: "Stay in the foreground and supervise until SIGTERM or Ctrl-C.")
    var foreground = false

    @Option(help: ArgumentHelp("How long starting may take, model loading included.", valueName: "seconds"))
    var startTimeout: Double = 300

    func validate() throws {
        guard startTimeout > 0, startTimeout.isFinite else { throw ValidationError("--start-timeout must be positive") }
        if let model {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: model, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("model directory \(model) does not exist")
            }
        }
    }

    func run() throws {
        do {
            let dir = try SupervisorConfiguration.prepareRuntimeDir(runtime.runtimeDir)
            let endpoints = try self.endpoints.resolve(runtimeDir: dir)
            if SupervisorLock.isHeld(runtimeDir: dir) {
                let report = try Supervisor.status(runtimeDir: dir, endpoints: endpoints)
                print("already running: supervisor pid \(report.supervisorPid.map(String.init) ?? "?") manages \(dir)")
                StatusTable.print(report)
                if !report.allServing { throw ExitCode(1) }
                return
            }
            let modelPath = model.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let configuration = try Supervisor.plan(endpoints: endpoints, runtimeDir: dir, model: modelPath,
                                                    startTimeoutMs: Int64(startTimeout * 1000), foreground: foreground)
            if configuration.managed.isEmpty {
                print("all four services already serve at their addresses; nothing to start")
                return
            }
            if foreground {
                let supervisor = Supervisor(configuration: configuration)
                let status = supervisor.run { failure in
                    if let failure {
                        FileHandle.standardError.write(Data("emu3-orchestrator: \(failure)\n".utf8))
                    } else {
                        print("serving; supervising in the foreground (Ctrl-C stops everything)")
                        if let report = try? Supervisor.status(runtimeDir: dir, endpoints: endpoints) { StatusTable.print(report) }
                    }
                    fflush(nil)
                }
                if status != 0 { throw ExitCode(status) }
                return
            }
            try Supervisor.startDetached(configuration)
            let report = try Supervisor.status(runtimeDir: dir, endpoints: endpoints)
            print("started: supervisor pid \(report.supervisorPid.map(String.init) ?? "?"), runtime dir \(dir)")
            StatusTable.print(report)
        } catch let error as SupervisorError {
            throw failWith(error)
        }
    }
}
