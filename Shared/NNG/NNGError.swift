import CNNG

/// An error from libnng: the raw `nng_errno_enum` code and `nng_strerror`'s text.
public struct NNGError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32

    public init(_ code: Int32) { self.code = code }

    public var description: String { String(cString: nng_strerror(code)) }

    public static let interrupted = NNGError(Int32(NNG_EINTR.rawValue))
    public static let noMemory = NNGError(Int32(NNG_ENOMEM.rawValue))
    public static let invalid = NNGError(Int32(NNG_EINVAL.rawValue))
    public static let busy = NNGError(Int32(NNG_EBUSY.rawValue))
    public static let timedOut = NNGError(Int32(NNG_ETIMEDOUT.rawValue))
    public static let connectionRefused = NNGError(Int32(NNG_ECONNREFUSED.rawValue))
    public static let closed = NNGError(Int32(NNG_ECLOSED.rawValue))
    public static let tryAgain = NNGError(Int32(NNG_EAGAIN.rawValue))
    public static let notSupported = NNGError(Int32(NNG_ENOTSUP.rawValue))
    public static let addressInUse = NNGError(Int32(NNG_EADDRINUSE.rawValue))
    public static let state = NNGError(Int32(NNG_ESTATE.rawValue))
    public static let canceled = NNGError(Int32(NNG_ECANCELED.rawValue))
    public static let connectionReset = NNGError(Int32(NNG_ECONNRESET.rawValue))
    public static let connectionAborted = NNGError(Int32(NNG_ECONNABORTED.rawValue))
    public static let messageTooLarge = NNGError(Int32(NNG_EMSGSIZE.rawValue))
    public static let protocolError = NNGError(Int32(NNG_EPROTO.rawValue))
    public static let unreachable = NNGError(Int32(NNG_EUNREACHABLE.rawValue))
    public static let addressInvalid = NNGError(Int32(NNG_EADDRINVAL.rawValue))
    public static let permission = NNGError(Int32(NNG_EPERM.rawValue))
}

/// Throws `NNGError` for a non-zero libnng return value.
@inline(__always)
func check(_ rv: Int32) throws(NNGError) {
    if rv != 0 { throw NNGError(rv) }
}
