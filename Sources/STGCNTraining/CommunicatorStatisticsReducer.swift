import STGCNModel

/// Synchronized batch norm over a `TrainingCommunicator`: the statistics sums of every
/// `BatchNorm` are summed over the processes of a data-parallel run.
final class CommunicatorStatisticsReducer: BatchStatisticsReducer {
    let communicator: any TrainingCommunicator

    init(_ communicator: any TrainingCommunicator) { self.communicator = communicator }

    func sumOverReplicas(_ values: UnsafeMutableBufferPointer<Double>) { communicator.sum(values) }
}
