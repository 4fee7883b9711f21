/// The processes that train one model together by data parallelism, as the `Trainer` sees
/// them: each has a rank in `0..<size`, and all of them make the same collective calls in the
/// same order. The one-process implementation is `SingleProcessCommunicator`; MPI's is in the
/// `STGCNDistributed` target.
public protocol TrainingCommunicator: AnyObject {
    /// This process's index, `0..<size`; rank 0 writes every file and prints progress.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Replaces each element by its sum over all processes.
    func sum(_ values: UnsafeMutableBufferPointer<Float>)
    /// Replaces each element by its sum over all processes.
    func sum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Replaces each element by its maximum over all processes.
    func maximum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Gives every process rank `root`'s `bytes` (the other processes' contents are replaced).
    func broadcast(_ bytes: inout [UInt8], from root: Int)
}

extension TrainingCommunicator {
    /// Whether this process is rank 0, the one that prints and writes.
    public var isLeader: Bool { rank == 0 }

    /// Whether `flag` is true on any process.
    public func any(_ flag: Bool) -> Bool {
        guard size > 1 else { return flag }
        var value = [flag ? 1.0 : 0.0]
        value.withUnsafeMutableBufferPointer { maximum($0) }
        return value[0] > 0
    }

    /// Whether `value` is the same on every process.
    public func agree(on value: UInt64) -> Bool {
        guard size > 1 else { return true }
        // The two 32-bit halves are exact in a Double; max(x) == −max(−x) means all are equal.
        let high = Double(value >> 32), low = Double(value & 0xFFFF_FFFF)
        var extremes = [high, low, -high, -low]
        extremes.withUnsafeMutableBufferPointer { maximum($0) }
        return extremes[0] == -extremes[2] && extremes[1] == -extremes[3]
    }
}

/// One process training alone: every collective is the identity.
public final class SingleProcessCommunicator: TrainingCommunicator {
    /// The communicator of a process on its own.
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func sum(_ values: UnsafeMutableBufferPointer<Float>) {}
    public func sum(_ values: UnsafeMutableBufferPointer<Double>) {}
    public func maximum(_ values: UnsafeMutableBufferPointer<Double>) {}
    public func broadcast(_ bytes: inout [UInt8], from root: Int) {}
}
