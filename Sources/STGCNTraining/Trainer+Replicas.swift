import Foundation
import STGCNModel

extension Trainer {
    /// Restores the work directory's checkpoint. In a data-parallel run rank 0 reads the file
    /// and sends its bytes to the others, so only rank 0 needs the work directory.
    func restoreCheckpoint() throws -> TrainingState {
        guard communicator.size > 1 else {
            return try TrainingCheckpoint.restore(from: files.checkpoint, network: network, optimizer: optimizer)
        }
        var bytes: [UInt8] = []
        var readError: Error?
        if communicator.isLeader {
            do { bytes = [UInt8](try Data(contentsOf: files.checkpoint)) } catch { readError = error }
        }
        communicator.broadcast(&bytes, from: 0)
        if let readError {
            throw TrainingError.io(file: files.checkpoint.path, reason: "cannot read the checkpoint: \(readError.localizedDescription)")
        }
        guard !bytes.isEmpty else {
            throw TrainingError.io(file: files.checkpoint.path, reason: "rank 0 could not read the checkpoint")
        }
        if communicator.isLeader {
            return try TrainingCheckpoint.restore(from: files.checkpoint, network: network, optimizer: optimizer)
        }
        let copy = FileManager.default.temporaryDirectory
            .appendingPathComponent("stgcn-rank\(communicator.rank)-\(UUID().uuidString).safetensors")
        do { try Data(bytes).write(to: copy) } catch {
            throw TrainingError.io(file: copy.path, reason: "cannot keep rank 0's checkpoint: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: copy) }
        return try TrainingCheckpoint.restore(from: copy, network: network, optimizer: optimizer)
    }

    /// Throws `TrainingError.mismatch` naming what differs when the processes of a data-parallel
    /// run were started with different recipes, data, weights or checkpoints.
    func requireConsistentReplicas() throws(TrainingError) {
        guard communicator.size > 1 else { return }
        let fingerprint = ReplicaFingerprint(configuration: configuration, data: data, network: network, state: state)
        var differences: [String] = []
        if !communicator.agree(on: fingerprint.recipe) { differences.append("the training settings (config and overrides)") }
        if !communicator.agree(on: fingerprint.data) { differences.append("the data (sample counts, shapes or labels)") }
        if !communicator.agree(on: fingerprint.weights) { differences.append("the initial weights (weights file or checkpoint)") }
        if !communicator.agree(on: fingerprint.position) { differences.append("the position resumed from (checkpoint)") }
        guard differences.isEmpty else {
            throw .mismatch("the \(communicator.size) processes disagree on \(differences.joined(separator: ", ")); start every rank with the same config, data and work_dir")
        }
    }

    /// Throws `TrainingError.mismatch` when the processes' weights differ after batch `batch`.
    func requireIdenticalWeights(epoch: Int, afterBatch batch: Int) throws(TrainingError) {
        guard communicator.size > 1 else { return }
        if !communicator.agree(on: ReplicaFingerprint.weights(of: network)) {
            throw .mismatch("the weights of the \(communicator.size) processes differ after epoch \(epoch), batch \(batch) (replica check)")
        }
    }

    /// Without `sync_bn` each process's batch norms move their running statistics towards their
    /// own shard's statistics; this replaces them by their mean over the processes after every
    /// step, so every process evaluates and saves the same buffers. (For the running mean that is
    /// exactly the average of the global batch's means; for the variance, the mean of the shards'
    /// variances. PyTorch DDP instead copies rank 0's buffers to the others.)
    func averageRunningStatistics() {
        let buffers = network.namedBuffers().map(\.buffer).filter { !$0.isCounter }
        var flat: [Float] = []
        flat.reserveCapacity(buffers.reduce(0) { $0 + $1.value.count })
        for buffer in buffers { flat += buffer.value }
        flat.withUnsafeMutableBufferPointer { communicator.sum($0) }
        let scale = 1 / Float(communicator.size)
        var offset = 0
        for buffer in buffers {
            for i in 0..<buffer.value.count { buffer.value[i] = flat[offset + i] * scale }
            offset += buffer.value.count
        }
    }
}
