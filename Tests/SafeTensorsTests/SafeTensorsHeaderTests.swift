// Malformed headers and layouts: RELIABILITY.md §7 E1–E5 (and the JSON rules of E2/E6).
import Foundation
import SafeTensors
import Testing

@Suite("SafeTensors header validation")
struct SafeTensorsHeaderTests {
    // MARK: - E1: the length prefix

    @Test(arguments: [0, 1, 7])
    func filesShorterThanEightBytesAreTooSmall(size: Int) throws {
        let (error, path) = try openError(Array(repeating: 0, count: size))
        #expect(error == .headerTooSmall(file: path, fileSize: size))
    }

    @Test func hugeDeclaredHeaderLengthsAreTooLarge() throws {
        let (maxError, path) = try openError(rawFile(header: "{}", declaredSize: UInt64.max))
        #expect(maxError == .headerTooLarge(file: path, headerSize: UInt64.max))
        let (justOver, path2) = try openError(rawFile(header: "{}", declaredSize: 100_000_001))
        #expect(justOver == .headerTooLarge(file: path2, headerSize: 100_000_001))
    }

    @Test func headerLengthPastTheFileEndIsInvalid() throws {
        let (error, path) = try openError(rawFile(header: "{}", declaredSize: 100))
        #expect(error == .invalidHeaderLength(file: path, headerSize: 100, fileSize: 10))
    }

    // MARK: - E2: header text

    @Test func headerThatIsNotUTF8IsInvalidHeader() throws {
        let (error, path) = try openError(rawFile(headerBytes: [0x7B, 0xFF, 0x7D]))
        #expect(error == .invalidHeader(file: path))
    }

    @Test(arguments: [
        "not json", "[]", "\u{0}{}", "{} x", "{\"a\":}", "{,}", "{\"a\":1,}", "\"text\"", "{\"x\":01}",
        "{\"x\":\"\u{1}\"}", "{\"x\":\"\\ud800\"}", "{'a':1}", "",
    ])
    func headerThatIsNotAJSONObjectIsRejected(header: String) throws {
        #expect(try openOutcome(rawFile(header: header)) == "invalidHeaderDeserialization")
    }

    @Test func whitespacePaddingAroundTheObjectIsAllowed() throws {
        #expect(try openOutcome(rawFile(header: " \n{}\t    ")) == "ok")
        #expect(try openOutcome(rawFile(header: "{" + entry("a", "U8", [2], 0, 2) + "}  ", data: [1, 2])) == "ok")
    }

    @Test(arguments: [
        ("{\"a\":{\"dtype\":\"U8\",\"shape\":[1]}}", "missing data_offsets"),
        ("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"extra\":1}}", "unknown key"),
        ("{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}", "negative dimension"),
        ("{\"a\":{\"dtype\":\"U8\",\"shape\":[1.5],\"data_offsets\":[0,1]}}", "fractional dimension"),
        ("{\"a\":{\"dtype\":\"U8\",\"shape\":[\"1\"],\"data_offsets\":[0,1]}}", "string dimension"),
        ("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]}}", "one offset"),
        ("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,-1]}}", "negative offset"),
        ("{\"a\":{\"dtype\":8,\"shape\":[1],\"data_offsets\":[0,1]}}", "numeric dtype"),
        ("{\"a\":[1]}", "entry is an array"),
        ("{\"__metadata__\":{\"k\":1}}", "non-string metadata value"),
        ("{\"__metadata__\":[]}", "metadata is an array"),
    ])
    func malformedEntriesAreDeserializationErrors(header: String, why: String) throws {
        #expect(try openOutcome(rawFile(header: header, data: [0])) == "invalidHeaderDeserialization", "\(why)")
    }

    @Test func deepNestingIsRejectedWithoutRecursingForever() throws {
        let header = "{\"__metadata__\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(try openOutcome(rawFile(header: header)) == "invalidHeaderDeserialization")
    }

    // MARK: - E3: offsets

    @Test func tenTensorsOnTheSameBytesAreInvalidOffsets() throws {
        // The reference crate's test_json_attack: the overlap "DOS exploit".
        let entries = (0..<10).map { entry("t\($0)", "F32", [4], 0, 16) }
        let (error, path) = try openError(rawFile(header: "{" + entries.joined(separator: ",") + "}", data: [UInt8](repeating: 0, count: 16)))
        #expect(error.map(caseName) == "invalidOffset")
        if case .invalidOffset(let file, _) = error { #expect(file == path) }
    }

    @Test func aGapBetweenTensorsIsAnInvalidOffset() throws {
        let header = "{" + entry("a", "F32", [4], 0, 16) + "," + entry("b", "F32", [4], 32, 48) + "}"
        let (error, path) = try openError(rawFile(header: header, data: [UInt8](repeating: 0, count: 48)))
        #expect(error == .invalidOffset(file: path, name: "b"))
    }

    @Test func endBeforeStartIsAnInvalidOffset() throws {
        let header = "{" + entry("a", "U8", [4], 0, 4) + "," + entry("b", "U8", [0], 4, 2) + "}"
        let (error, path) = try openError(rawFile(header: header, data: [0, 0, 0, 0]))
        #expect(error == .invalidOffset(file: path, name: "b"))
    }

    @Test func offsetsNoFileCanHoldAreInvalidOffsets() throws {
        let beyondInt = "{" + entry("a", "U8", [1], 0, 9_223_372_036_854_775_808) + "}"
        let (error, path) = try openError(rawFile(header: beyondInt, data: [0]))
        #expect(error == .invalidOffset(file: path, name: "a"))
        let beyondUInt64 = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999999]}}"
        #expect(try openOutcome(rawFile(header: beyondUInt64, data: [0])) == "invalidOffset")
    }

    @Test func aTensorStartingPastTheEndOfTheDataIsAnInvalidOffset() throws {
        let header = "{" + entry("a", "U8", [2], 0, 2) + "," + entry("b", "U8", [2], 100, 102) + "}"
        let (error, path) = try openError(rawFile(header: header, data: [1, 2]))
        #expect(error == .invalidOffset(file: path, name: "b"))
    }

    // MARK: - E4: sizes

    @Test func shapeProductOverflowIsValidationOverflow() throws {
        let header = "{" + entry("w", "F32", [4_294_967_296, 4_294_967_296, 2], 0, 16) + "}"
        let (error, path) = try openError(rawFile(header: header, data: [UInt8](repeating: 0, count: 16)))
        #expect(error == .validationOverflow(file: path, name: "w"))
        // Elements fit in Int, bytes (× 4) do not.
        let bytesOverflow = "{" + entry("w", "F32", [4_611_686_018_427_387_904], 0, 16) + "}"
        #expect(try openOutcome(rawFile(header: bytesOverflow, data: [UInt8](repeating: 0, count: 16))) == "validationOverflow")
        let dimensionBeyondInt = "{" + entry("w", "U8", [9_223_372_036_854_775_808], 0, 16) + "}"
        #expect(try openOutcome(rawFile(header: dimensionBeyondInt, data: [UInt8](repeating: 0, count: 16))) == "validationOverflow")
    }

    @Test func shapeTimesDTypeMustEqualTheOffsetSpan() throws {
        let header = "{" + entry("w", "F32", [2, 3], 0, 20) + "}"
        let (error, path) = try openError(rawFile(header: header, data: [UInt8](repeating: 0, count: 20)))
        #expect(error == .tensorInvalidInfo(file: path, name: "w", expectedBytes: 24, actualBytes: 20))
    }

    @Test func subByteAndUnknownDTypesAreRejectedByName() throws {
        for dtype in ["F4", "F128", "F8_E4M3", "bf16", ""] {
            let (error, path) = try openError(rawFile(header: "{" + entry("w", dtype, [2], 0, 1) + "}", data: [0]))
            #expect(error == .unknownDType(file: path, name: "w", dtype: dtype))
        }
    }

    @Test func rankAboveEightIsRejected() throws {
        let nine = [UInt64](repeating: 1, count: 9)
        let (error, path) = try openError(rawFile(header: "{" + entry("w", "U8", nine, 0, 1) + "}", data: [0]))
        #expect(error == .rankTooLarge(file: path, name: "w", rank: 9))
        let eight = [UInt64](repeating: 1, count: 8)
        #expect(try openOutcome(rawFile(header: "{" + entry("w", "U8", eight, 0, 1) + "}", data: [0])) == "ok")
    }

    // MARK: - E5: the data section length

    @Test func trailingBytesAreAnIncompleteBuffer() throws {
        let header = "{" + entry("w", "U8", [4], 0, 4) + "}"
        let file = rawFile(header: header, data: [1, 2, 3, 4, 0xEE])
        let (error, path) = try openError(file)
        #expect(error == .metadataIncompleteBuffer(file: path, expectedFileSize: file.count - 1, fileSize: file.count))
    }

    @Test func aMissingFinalByteIsAnIncompleteBuffer() throws {
        let header = "{" + entry("w", "U8", [4], 0, 4) + "}"
        let file = rawFile(header: header, data: [1, 2, 3])
        let (error, path) = try openError(file)
        #expect(error == .metadataIncompleteBuffer(file: path, expectedFileSize: file.count + 1, fileSize: file.count))
    }

    // MARK: - E6: duplicate keys

    @Test func duplicateTensorNamesAreRejected() throws {
        let header = "{" + entry("w", "U8", [2], 0, 2) + "," + entry("w", "U8", [2], 2, 4) + "}"
        let (error, path) = try openError(rawFile(header: header, data: [1, 2, 3, 4]))
        #expect(error == .duplicateKey(file: path, key: "w"))
    }

    @Test func duplicateKeysInsideAnEntryAreRejected() throws {
        let header = "{\"w\":{\"dtype\":\"U8\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,1]}}"
        let (error, path) = try openError(rawFile(header: header, data: [0]))
        #expect(error == .duplicateKey(file: path, key: "dtype"))
    }

    @Test func escapedNamesThatDecodeEquallyAreDuplicates() throws {
        // "w" and "\u0077" are the same key once decoded.
        let header = "{" + entry("w", "U8", [1], 0, 1) + "," + entry("\\u0077", "U8", [1], 1, 2) + "}"
        let (error, path) = try openError(rawFile(header: header, data: [1, 2]))
        #expect(error == .duplicateKey(file: path, key: "w"))
    }

    @Test func errorsDescribeTheFileAndTensor() {
        let text = SafeTensorsError.invalidOffset(file: "/m/model.safetensors", name: "lm_head.weight").description
        #expect(text.contains("/m/model.safetensors") && text.contains("lm_head.weight"))
    }
}
