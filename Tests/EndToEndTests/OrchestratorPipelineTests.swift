import Emu3Proto
import Emu3Testing
import Foundation
import ImageIO
import OrchestratorCore
import RPC
import Testing

/// `emu3-orchestrator generate` / `understand` on the embedded emu3-tiny, through the four
/// services as a user runs them: seeded images, answers, errors at the command line, Ctrl-C
/// and a service killed in the middle of a job.
@Suite(.serialized) struct OrchestratorPipelineTests {
    static let model = TestModels.embedded
    static let present = FileManager.default.fileExists(atPath: model + "/model.safetensors")

    func orchestrator(_ args: [String], _ env: [String: String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTool("emu3-orchestrator", args + ["--no-start", "--model", Self.model], environment: env, timeoutMs: 300_000)
    }

    /// `generate` running in the background, its stderr captured.
    func startGenerate(_ output: String, _ env: [String: String]) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = ServiceProcess.executable("emu3-orchestrator")
        p.arguments = ["generate", "a blue star", "-o", output, "--no-start", "--model", Self.model]
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return (p, err)
    }

    func pixels(_ path: String) throws -> RGBImage {
        try PNGDecoder.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test(.enabled(if: present, "models/emu3-tiny is missing"))
    func sameSeedSameImageAndAnAnswer() throws {
        try withEmbeddedModelServices { dir, env in
            let prompt = "a red circle on the left"
            let a = try orchestrator(["generate", prompt, "-o", dir.path + "/a.png", "--seed", "3", "--json"], env)
            try #require(a.status == 0, "\(a.stderr)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])
            let images = try #require(result["images"] as? [[String: Any]], "\(a.stdout)")
            #expect(images.first?["seed"] as? Int == 3 && images.first?["width"] as? Int == 64, "\(a.stdout)")
            let b = try orchestrator(["generate", prompt, "-o", dir.path + "/b.png", "--seed", "3"], env)
            #expect(b.status == 0, "\(b.stderr)")
            let c = try orchestrator(["generate", prompt, "-o", dir.path + "/c.png", "--seed", "4"], env)
            #expect(c.status == 0, "\(c.stderr)")
            let (ia, ib, ic) = (try pixels(dir.path + "/a.png"), try pixels(dir.path + "/b.png"), try pixels(dir.path + "/c.png"))
            #expect(ia.width == 64 && ia.height == 64, "the model's only grid is 8×8 codes")
            #expect(ia.pixels == ib.pixels, "the same seed must give the same pixels")
            #expect(ia.pixels != ic.pixels, "another seed should give another image")
            let png = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/a.png"))
            #expect(png.range(of: Data(prompt.utf8)) != nil, "the PNG carries the prompt")

            let u = try orchestrator(["understand", dir.path + "/a.png", "What colour is the circle?", "--json"], env)
            try #require(u.status == 0, "\(u.stderr)")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(u.stdout.utf8)) as? [String: Any])
            #expect(!((answer["text"] as? String) ?? "").isEmpty, "\(u.stdout)")

            // Bad input at the command line: one line, non-zero, no trace.
            let text = dir.path + "/notes.txt"
            try Data("not an image".utf8).write(to: URL(fileURLWithPath: text))
            let cases: [[String]] = [
                ["understand", dir.path + "/missing.png", "What?"],
                ["understand", text, "What?"],
                ["generate", prompt, "--frobnicate"],
                ["generate", prompt, "--ratio", "0:1"],
                ["generate", prompt, "--ratio", "16:1"],
                ["generate", prompt, "--ratio", "16:9"],  // a grid emu3-tiny was not trained on
            ]
            for args in cases {
                let r = try orchestrator(args, env)
                let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true)
                #expect(r.status != 0, "\(args)")
                #expect(lines.count == 1, "\(args): \(r.stderr)")
                #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack"), "\(args): \(r.stderr)")
            }
        }
    }

    @Test(.enabled(if: present, "models/emu3-tiny is missing"))
    func ctrlCCancelsTheJobAndFreesTheBackbone() throws {
        try withEmbeddedModelServices(environment: ["EMU3_FAULT_STEP_DELAY_MS": "40"]) { dir, env in
            let (p, err) = try startGenerate(dir.path + "/x.png", env)
            usleep(1_500_000)  // ~75 steps × 40 ms: well inside the job
            #expect(p.isRunning, "the job ended before it could be interrupted")
            let sent = nowUnixMilliseconds()
            p.interrupt()
            p.waitUntilExit()
            let took = nowUnixMilliseconds() - sent
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(p.terminationStatus == 130, "\(stderr)")
            #expect(stderr.contains("cancelled"), "\(stderr)")
            #expect(took < 20_000, "Ctrl-C took \(took) ms: a hang guard; freeing the backbone is asserted below")
            // The backbone admits one job at a time: a new one is taken at once.
            var request = GenerateRequest()
            request.promptIds = [1]
            var sampling = SamplingParams()
            sampling.greedy = true
            request.sampling = sampling
            request.maxNewTokens = 1
            let client = try RPCClient(url: dir.ipcURL("backbone"))
            let reply: GenerateResponse = try client.call(Methods.Backbone.generate, request, deadline: .afterMilliseconds(10_000))
            #expect(reply.ids.count == 1)
        }
    }

    @Test(.enabled(if: present, "models/emu3-tiny is missing"))
    func aServiceKilledMidJobIsAClearErrorNotAHang() throws {
        try withEmbeddedModelServices(environment: ["EMU3_FAULT_STEP_DELAY_MS": "40"]) { dir, env in
            let status = try runTool("emu3-orchestrator", ["status", "--json"], environment: env)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let services = try #require(report["services"] as? [[String: Any]], "\(status.stdout)")
            let backbone = try #require(services.first { ($0["service"] as? String) == "emu3-backbone" }, "\(status.stdout)")
            let pid = try #require(backbone["pid"] as? Int)
            let (p, err) = try startGenerate(dir.path + "/y.png", env)
            usleep(1_500_000)
            kill(pid_t(pid), SIGKILL)
            let killed = nowUnixMilliseconds()
            while p.isRunning && nowUnixMilliseconds() - killed < 60_000 { usleep(50_000) }
            #expect(!p.isRunning, "generate still running 60 s after the backbone died")
            if p.isRunning { p.terminate(); return }
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            if p.terminationStatus != 0 {
                // Progress lines come first (stderr is not a terminal); the error is one line.
                let errors = stderr.split(separator: "\n").filter { $0.hasPrefix("emu3-orchestrator:") }
                #expect(errors.count == 1 && errors[0].contains("backbone"), "\(stderr)")
                #expect(!stderr.contains("Fatal error"), "\(stderr)")
            }
        }
    }
}
