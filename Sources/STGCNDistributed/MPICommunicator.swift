import CMPILoader
import Foundation
import STGCNModel
import STGCNTraining

/// The processes of an MPI job (`MPI_COMM_WORLD`) as a `TrainingCommunicator`, over Open MPI
/// loaded at run time (`CMPILoader`). MPI errors are fatal (MPI's default handler ends the job).
/// Calls are made from one thread at a time (`MPI_THREAD_SERIALIZED`).
public final class MPICommunicator: TrainingCommunicator, BatchStatisticsReducer, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    /// How the job was launched.
    public let launch: DistributedLaunch
    private var finalized = false

    /// Loads Open MPI (`STGCN_MPI_LIBRARY`, else `libmpi.so.40`), initializes it and reads this
    /// process's rank. Call once per process, only when `DistributedLaunch.detect` found a launch.
    public static func start(_ launch: DistributedLaunch, library: String? = nil) throws(DistributedError) -> MPICommunicator {
        let result = stgcn_mpi_load(library)
        guard result.loaded != 0 else {
            throw .libraryUnavailable(launcher: launch.launcher, detail: Self.text(result.detail))
        }
        try check(stgcn_mpi_init(), "MPI_Init_thread")
        var rank: Int32 = 0, size: Int32 = 0
        try check(stgcn_mpi_rank(&rank), "MPI_Comm_rank")
        try check(stgcn_mpi_size(&size), "MPI_Comm_size")
        if let expected = launch.worldSize, expected != Int(size) {
            throw .sizeMismatch(launcher: launch.launcher, expected: expected, actual: Int(size))
        }
        return MPICommunicator(rank: Int(rank), size: Int(size), launch: launch)
    }

    private init(rank: Int, size: Int, launch: DistributedLaunch) {
        self.rank = rank
        self.size = size
        self.launch = launch
    }

    public func sum(_ values: UnsafeMutableBufferPointer<Float>) {
        reduce(values.baseAddress, count: values.count, elementSize: 4, type: STGCN_MPI_FLOAT, op: STGCN_MPI_SUM)
    }

    public func sum(_ values: UnsafeMutableBufferPointer<Double>) {
        reduce(values.baseAddress, count: values.count, elementSize: 8, type: STGCN_MPI_DOUBLE, op: STGCN_MPI_SUM)
    }

    public func maximum(_ values: UnsafeMutableBufferPointer<Double>) {
        reduce(values.baseAddress, count: values.count, elementSize: 8, type: STGCN_MPI_DOUBLE, op: STGCN_MPI_MAX)
    }

    public func sumOverReplicas(_ values: UnsafeMutableBufferPointer<Double>) { sum(values) }

    public func broadcast(_ bytes: inout [UInt8], from root: Int) {
        var count = [Double(bytes.count)]
        count.withUnsafeMutableBufferPointer { pointer in
            abortOnError(stgcn_mpi_broadcast(pointer.baseAddress, 1, STGCN_MPI_DOUBLE, Int32(root)), "MPI_Bcast")
        }
        if rank != root { bytes = [UInt8](repeating: 0, count: Int(count[0])) }
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let piece = min(raw.count - offset, Self.maximumPiece)
                abortOnError(stgcn_mpi_broadcast(raw.baseAddress! + offset, Int32(piece), STGCN_MPI_BYTE, Int32(root)), "MPI_Bcast")
                offset += piece
            }
        }
    }

    /// Waits until every process gets here.
    public func barrier() { abortOnError(stgcn_mpi_barrier(), "MPI_Barrier") }

    /// Prints `message` as one line on standard error and ends every process of the job
    /// (`MPI_Abort` with `code`); the launcher reports the job as failed.
    public func abort(_ message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        _ = stgcn_mpi_abort(code)
        exit(code)
    }

    /// Ends MPI (call once, after the last collective, on every process).
    public func finalize() {
        guard !finalized else { return }
        finalized = true
        _ = stgcn_mpi_finalize()
    }

    /// Elements per MPI call: counts are C ints.
    static let maximumPiece = 1 << 30

    private func reduce(_ base: UnsafeMutableRawPointer?, count: Int, elementSize: Int, type: stgcn_mpi_type, op: stgcn_mpi_op) {
        guard let base, count > 0 else { return }
        var offset = 0
        while offset < count {
            let piece = min(count - offset, Self.maximumPiece)
            abortOnError(stgcn_mpi_allreduce_in_place(base + offset * elementSize, Int32(piece), type, op), "MPI_Allreduce")
            offset += piece
        }
    }

    private func reduce<T>(_ base: UnsafeMutablePointer<T>?, count: Int, elementSize: Int, type: stgcn_mpi_type, op: stgcn_mpi_op) {
        reduce(base.map { UnsafeMutableRawPointer($0) }, count: count, elementSize: elementSize, type: type, op: op)
    }

    /// MPI's default error handler already ends the job; this covers a handler that returns.
    private func abortOnError(_ code: Int32, _ call: String) {
        guard code != 0 else { return }
        abort("stgcn: rank \(rank) of \(size): \(call) failed (MPI error \(code): \(Self.message(code)))")
    }

    private static func check(_ code: Int32, _ call: String) throws(DistributedError) {
        guard code != 0 else { return }
        throw .call(call, code: code, message: message(code))
    }

    private static func message(_ code: Int32) -> String {
        var text = [CChar](repeating: 0, count: 300)
        stgcn_mpi_error_string(code, &text, text.count)
        return String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func text<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
