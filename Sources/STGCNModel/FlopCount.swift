/// Floating-point operation counts of the ST-GCN forward pass in the official formulation
/// (a multiply-add counts as 2), the standard against which throughput is reported.
public struct FlopCount: Sendable, Equatable {
    /// 1×1 graph convolutions (C_in → K·C_out).
    public var graphConvolution: Double = 0
    /// Aggregation over joints with A (K·C_out·T·V·V per person).
    public var aggregation: Double = 0
    /// 9×1 temporal convolutions.
    public var temporalConvolution: Double = 0
    /// Strided 1×1 residual projections.
    public var residual: Double = 0
    /// The classifier.
    public var head: Double = 0

    /// The total forward FLOPs.
    public var total: Double { graphConvolution + aggregation + temporalConvolution + residual + head }

    /// The forward FLOPs of one clip of `frames` frames and `persons` persons.
    public init(configuration: ModelConfiguration, subsetCount: Int, frames: Int, persons: Int) {
        let joints = Double(configuration.layout.jointCount), k = Double(subsetCount)
        let taps = Double(configuration.temporalKernelSize)
        var t = frames
        for (index, block) in configuration.blockSchedule.enumerated() {
            let cin = Double(block.inputChannels), cout = Double(block.outputChannels)
            let p = Double(persons)
            graphConvolution += 2 * cin * k * cout * Double(t) * joints * p
            aggregation += 2 * k * cout * Double(t) * joints * joints * p
            let outFrames = (t - 1) / block.stride + 1
            temporalConvolution += 2 * cout * cout * taps * Double(outFrames) * joints * p
            if index != 0 && (block.inputChannels != block.outputChannels || block.stride != 1) {
                residual += 2 * cin * cout * Double(outFrames) * joints * p
            }
            t = outFrames
        }
        head = 2 * 256 * Double(configuration.classCount)
    }
}
