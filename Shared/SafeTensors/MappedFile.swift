// A read-only memory map of a whole file, unmapped in deinit.
//
// Known limit (RELIABILITY.md §3.2 rule 8, test E9): if the file is truncated *in place*
// while mapped, touching the lost pages raises SIGBUS. Replace weights by atomic rename;
// a renamed-over file keeps its old inode, so this mapping stays valid.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class MappedFile {
    let path: String
    /// The mapping; nil for an empty file (mmap cannot map 0 bytes).
    private let base: UnsafeRawPointer?
    let size: Int

    init(path: String) throws(SafeTensorsError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(file: path, reason: Self.errnoText()) }
        defer { close(fd) }  // the mapping keeps its own reference to the file
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .cannotOpen(file: path, reason: Self.errnoText()) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw .cannotOpen(file: path, reason: "not a regular file")
        }
        size = Int(status.st_size)
        guard size > 0 else {
            base = nil
            return
        }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else {  // MAP_FAILED
            throw .cannotOpen(file: path, reason: "mmap: " + Self.errnoText())
        }
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// The whole file. Valid while `self` is alive.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
