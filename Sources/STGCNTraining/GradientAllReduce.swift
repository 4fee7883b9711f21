import Foundation
import STGCNModel

/// Sums every parameter's gradient over the processes of a data-parallel run in one
/// all-reduce: the gradients are packed into one flat float32 buffer (parameter walk order),
/// summed in place, and unpacked. Each process's gradient is already that of the global
/// batch's mean loss restricted to its shard (`CrossEntropy.lossSumAndGradient(…averagingOver:)`),
/// so the sum is the global batch's gradient, whatever the shard sizes.
///
/// One buffer, not buckets overlapped with backward: measured on this project's machines the
/// all-reduce is a small fraction of a step (see the README's scaling section).
public final class GradientAllReduce {
    /// The parameters whose gradients are summed, in walk order.
    public let parameters: [Parameter]
    /// The number of float32 values (and 4× that in bytes) sent per step.
    public let count: Int
    /// Seconds spent in `reduce` (packing, the all-reduce and unpacking) since creation.
    public private(set) var seconds: Double = 0
    /// Seconds spent in the all-reduce call itself since creation.
    public private(set) var communicationSeconds: Double = 0
    /// Number of `reduce` calls since creation.
    public private(set) var calls = 0
    private var buffer: [Float]

    /// A reducer over `parameters`' gradients.
    public init(parameters: [Parameter]) {
        self.parameters = parameters
        count = parameters.reduce(0) { $0 + $1.count }
        buffer = [Float](repeating: 0, count: count)
    }

    /// Replaces every gradient by its sum over the processes of `communicator`.
    public func reduce(with communicator: any TrainingCommunicator) {
        let started = DispatchTime.now().uptimeNanoseconds
        buffer.withUnsafeMutableBufferPointer { flat in
            var offset = 0
            for parameter in parameters {
                parameter.gradient.withUnsafeBufferPointer { g in
                    _ = UnsafeMutableBufferPointer(rebasing: flat[offset..<(offset + g.count)]).initialize(from: g)
                }
                offset += parameter.count
            }
            let sent = DispatchTime.now().uptimeNanoseconds
            communicator.sum(flat)
            communicationSeconds += Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e9
            offset = 0
            for parameter in parameters {
                parameter.gradient.withUnsafeMutableBufferPointer { g in
                    _ = g.initialize(from: UnsafeMutableBufferPointer(rebasing: flat[offset..<(offset + g.count)]))
                }
                offset += parameter.count
            }
        }
        seconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        calls += 1
    }
}
