// Helpers for the SafeTensors tests: temporary folders and hand-built (possibly malformed)
// files.
import Foundation
import SafeTensors
import Testing

/// A fresh temporary folder, removed after `body`.
func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// File bytes: N as little-endian u64 (the header's length unless `declaredSize` is given),
/// the header text as UTF-8, then `data`.
func rawFile(header: String, data: [UInt8] = [], declaredSize: UInt64? = nil) -> [UInt8] {
    rawFile(headerBytes: Array(header.utf8), data: data, declaredSize: declaredSize)
}

func rawFile(headerBytes: [UInt8], data: [UInt8] = [], declaredSize: UInt64? = nil) -> [UInt8] {
    withUnsafeBytes(of: (declaredSize ?? UInt64(headerBytes.count)).littleEndian, Array.init) + headerBytes + data
}

/// Writes `bytes` to `directory/name` and returns its URL.
@discardableResult
func write(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> URL {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
}

/// The case name of an error (`invalidOffset`, ...), for checks that ignore the payload.
func caseName(_ error: any Error) -> String {
    Mirror(reflecting: error).children.first?.label ?? String(describing: error)
}

/// Opens `bytes` as a file in a temporary folder; returns the error's case name, or "ok".
func openOutcome(_ bytes: [UInt8]) throws -> String {
    try withTemporaryDirectory { directory in
        let url = try write(bytes, "t.safetensors", in: directory)
        do {
            _ = try SafeTensorsFile(url: url)
            return "ok"
        } catch {
            return caseName(error)
        }
    }
}

/// Opens `bytes` as a file and returns the error thrown, or nil.
func openError(_ bytes: [UInt8], name: String = "t.safetensors") throws -> (error: SafeTensorsError?, path: String) {
    try withTemporaryDirectory { directory in
        let url = try write(bytes, name, in: directory)
        do throws(SafeTensorsError) {
            _ = try SafeTensorsFile(url: url)
            return (nil, url.path)
        } catch {
            return (error, url.path)
        }
    }
}

/// Little-endian bytes of F32 values.
func f32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
}

/// Little-endian bytes of 16-bit patterns.
func u16Bytes(_ values: [UInt16]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
}

/// One header entry as JSON text.
func entry(_ name: String, _ dtype: String, _ shape: [UInt64], _ begin: UInt64, _ end: UInt64) -> String {
    "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
}
