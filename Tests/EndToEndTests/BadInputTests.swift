import Emu3Proto
import Emu3Testing
import Foundation
import RPC
import Testing

/// Bad input never takes a service down: each case gets its status, then Health still
/// answers SERVING (issue 2; RELIABILITY.md §7 A/B).
@Suite(.serialized) struct BadInputTests {
    /// Hand-built envelope bytes: field 1 method, 2 request_id, 3 deadline, 4 payload.
    static func envelope(method: [UInt8], requestId: [UInt8] = Array("r1".utf8), deadline: Int64) -> [UInt8] {
        var b: [UInt8] = [0x0a, UInt8(method.count)] + method + [0x12, UInt8(requestId.count)] + requestId + [0x18]
        var v = UInt64(bitPattern: deadline)
        repeat {
            let byte = UInt8(v & 0x7f)
            v >>= 7
            b.append(v == 0 ? byte : byte | 0x80)
        } while v != 0
        return b
    }

    static func withService(_ body: (ServiceProcess, RPCClient) throws -> Void) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try ServiceProcess(service: "text-tokenizer", url: dir.ipcURL("tt"))
        try p.waitUntilServing()
        let client = try RPCClient(url: p.url)
        try body(p, client)
        #expect(try client.healthCheck(deadline: .afterMilliseconds(2000)).status == .serving)
        client.close()
        #expect(p.stop() == 0)
    }

    @Test func randomBytesAndTruncatedEnvelopesGetInvalidArgument() throws {
        try Self.withService { _, client in
            var rng = SystemRandomNumberGenerator()
            for n in [1, 7, 64, 1000] {
                let junk = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let reply = try client.exchange(junk, deadline: .afterMilliseconds(2000))
                #expect(reply.code == StatusCode.invalidArgument.rawValue, "random \(n) bytes → \(reply.code) \(reply.message)")
            }
            let valid = Self.envelope(method: Array(HealthMethods.check.utf8), deadline: nowUnixMilliseconds() + 5000)
            for cut in [1, 5, valid.count / 2, valid.count - 1] {
                let reply = try client.exchange(Array(valid.prefix(cut)), deadline: .afterMilliseconds(2000))
                #expect(reply.code == StatusCode.invalidArgument.rawValue, "cut at \(cut) → \(reply.code)")
            }
            let empty = try client.exchange([], deadline: .afterMilliseconds(2000))
            #expect(empty.code == StatusCode.invalidArgument.rawValue)
        }
    }

    @Test func unknownMethodIsUnimplemented() throws {
        try Self.withService { _, client in
            do {
                _ = try client.callRaw("/emu3.v1.Nope/Missing", payload: [], deadline: .afterMilliseconds(2000))
                Issue.record("an unknown method was answered OK")
            } catch let error as RPCError {
                #expect(error.code == .unimplemented)
                #expect(error.message.contains("/emu3.v1.Nope/Missing"))
            }
        }
    }

    @Test func deadlineInThePastIsDeadlineExceededBeforeAnyWork() throws {
        try Self.withService { _, client in
            let bytes = Self.envelope(method: Array(HealthMethods.check.utf8), deadline: nowUnixMilliseconds() - 1000)
            let reply = try client.exchange(bytes, deadline: .afterMilliseconds(2000))
            #expect(reply.code == StatusCode.deadlineExceeded.rawValue)
            #expect(reply.requestId == "r1")
        }
    }

    static let badMethods: [(String, [UInt8])] = [
        ("invalid UTF-8", Array("/emu3.v1.Health/Check".utf8) + [0xff, 0xfe]),
        ("embedded NUL", Array("/emu3.v1.Health".utf8) + [0] + Array("/Check".utf8)),
    ]

    @Test(arguments: badMethods)
    func badStringFieldsAreInvalidArgument(_ label: String, _ method: [UInt8]) throws {
        try Self.withService { _, client in
            let reply = try client.exchange(Self.envelope(method: method, deadline: nowUnixMilliseconds() + 5000),
                                            deadline: .afterMilliseconds(2000))
            #expect(reply.code == StatusCode.invalidArgument.rawValue, "\(label) → \(reply.code) \(reply.message)")
        }
    }

    @Test func messageOverTheReceiveLimitDropsTheConnectionWithoutGrowingMemory() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try ServiceProcess(service: "evaluator", url: dir.ipcURL("ev"), extraArguments: ["--recv-max-bytes", "1048576"])
        try p.waitUntilServing()
        let before = p.residentKiB
        let client = try RPCClient(url: p.url, options: .longRunning)
        let huge = [UInt8](repeating: 0x41, count: 64 << 20)
        do {
            _ = try client.exchange(huge, deadline: .afterMilliseconds(5000))
            Issue.record("a 64 MiB message was answered")
        } catch {
            #expect(error.code == .unavailable || error.code == .deadlineExceeded, "\(error)")
        }
        let after = p.residentKiB
        #expect(after - before < 5 * 1024, "RSS grew by \(after - before) KiB")
        client.close()
        let fresh = try RPCClient(url: p.url)
        #expect(try fresh.healthCheck(deadline: .afterMilliseconds(2000)).status == .serving)
        #expect(p.stop() == 0)
    }
}

@Suite struct TransportTests {
    @Test func callingAnAddressWhereNothingListensFailsWithinItsDeadline() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for url in [dir.ipcURL("nobody"), "tcp://127.0.0.1:\(freeLoopbackPort())"] {
            let client = try RPCClient(url: url)
            let start = nowUnixMilliseconds()
            do {
                _ = try client.healthCheck(deadline: .afterMilliseconds(1500))
                Issue.record("\(url) answered")
            } catch {
                #expect(error.code == .unavailable || error.code == .deadlineExceeded)
            }
            let elapsed = nowUnixMilliseconds() - start
            #expect(elapsed < 1500 + 500, "\(url): took \(elapsed) ms with a 1500 ms deadline")
        }
    }

    @Test func manyConcurrentClientsAllGetTheirOwnReplies() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try ServiceProcess(service: "evaluator", url: dir.ipcURL("ev"))
        try p.waitUntilServing()
        let clients = 8, perClient = 200
        let failures = ResultCounter()
        DispatchQueue.concurrentPerform(iterations: clients) { c in
            guard let client = try? RPCClient(url: p.url) else { failures.add("client \(c) could not open"); return }
            for i in 0..<perClient {
                let pairs = 1 + (c * perClient + i) % 5
                do {
                    let r: DpoLossResponse = try client.call(Methods.Evaluator.dpoLoss, Fixtures.dpoRequest(pairs: pairs),
                                                            deadline: .afterMilliseconds(10_000))
                    if r.losses.count != pairs { failures.add("client \(c) request \(i): \(r.losses.count) losses, want \(pairs)") }
                } catch {
                    failures.add("client \(c) request \(i): \(error)")
                }
            }
        }
        #expect(failures.messages.isEmpty, "\(failures.messages.prefix(5))")
        #expect(p.stop() == 0)
    }

    @Test func theCClientExampleBuildsAndChecksHealth() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/make")
        make.arguments = ["-s", "-C", root.appendingPathComponent("clients/c").path, "OUT=\(dir.path)"]
        try make.run()
        make.waitUntilExit()
        #expect(make.terminationStatus == 0)
        let p = try ServiceProcess(service: "vision-tokenizer", url: dir.ipcURL("vt"))
        try p.waitUntilServing()
        let run = Process()
        run.executableURL = URL(fileURLWithPath: dir.path + "/emu3-health")
        run.arguments = [p.url, "2000"]
        let out = Pipe()
        run.standardOutput = out
        try run.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0)
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "SERVING")
        #expect(p.stop() == 0)
    }
}

final class ResultCounter: @unchecked Sendable {
    // protected by `lock`.
    private let lock = NSLock()
    private var _messages: [String] = []
    func add(_ m: String) { lock.lock(); _messages.append(m); lock.unlock() }
    var messages: [String] { lock.lock(); defer { lock.unlock() }; return _messages }
}
