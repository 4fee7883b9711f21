import STGCNTensor

/// The Winograd F(3, 3) paths of `TemporalConvolution` (stride 1, kernel length divisible by 3);
/// see `WinogradTemporalCorrelation` for the algorithm.
extension TemporalConvolution {
    /// Convolves `x` `(S, C_in, T, V)` to `(S, C_out, outputs.count, V)`: the output frames
    /// `outputs` (default: all T). Samples run in parallel; with fewer samples than workers, each
    /// sample's tiles are split between them.
    func winogradForward(_ x: Tensor, outputs: Range<Int>? = nil) -> Tensor {
        let (samples, frames, joints) = (x.shape[0], x.shape[2], x.shape[3])
        let (cin, cout, pad) = (inputChannels, outputChannels, padding)
        let outputs = outputs ?? 0..<frames
        let groups = kernelSize / WinogradTemporalCorrelation.tileLength
        let length = WinogradTemporalCorrelation.tileLength
        let firstTile = outputs.lowerBound / length, tiles = (outputs.upperBound + length - 1) / length - firstTile
        let plan = WorkPlan(samples: samples, splittingUpTo: tiles)
        let pieceTiles = (tiles + plan.piecesPerSample - 1) / max(1, plan.piecesPerSample)
        let scratchSize = WinogradTemporalCorrelation.scratchCount(inputs: cin, outputs: cout, groups: groups,
                                                                   tiles: pieceTiles, joints: joints)
        let kernel = winogradKernel.kernel(for: weight.value) { [kernelSize] weights in
            WinogradTemporalCorrelation.transformedKernel(weights, outputs: cout, inputs: cin, taps: kernelSize, adjoint: false)
        }
        let inSize = cin * frames * joints, outSize = cout * outputs.count * joints
        return withReadPointers(x.scalars, kernel, bias.value, [Float](repeating: 0, count: joints)) { x, kernel, bias, zeros in
            Tensor(shape: [samples, cout, outputs.count, joints]) { y in
                plan.forEach(scratchPerWorker: scratchSize) { item, scratch in
                    let share = item.share(of: tiles)
                    guard !share.isEmpty else { return }
                    WinogradTemporalCorrelation.correlate(
                        x + item.sample * inSize, inputs: cin, outputs: cout, groups: groups, frames: frames,
                        joints: joints, padding: pad, kernel: kernel, bias: bias, rectifiedBy: nil,
                        tiles: (share.lowerBound + firstTile)..<(share.upperBound + firstTile), stored: outputs,
                        zeros: zeros, scratch: scratch, into: y + item.sample * outSize)
                }
            }
        }
    }

    /// Returns dL/dx (masked by `input > 0` when `inputIsRectified`) and accumulates the weight
    /// gradient; the caller has already accumulated the bias gradient.
    func winogradBackward(_ dy: Tensor, input: Tensor, inputIsRectified: Bool) -> Tensor {
        let (samples, frames, joints) = (input.shape[0], input.shape[2], input.shape[3])
        let (cin, cout, pad, taps) = (inputChannels, outputChannels, padding, kernelSize)
        let points = WinogradTemporalCorrelation.pointCount
        let groups = taps / WinogradTemporalCorrelation.tileLength
        let tiles = WinogradTemporalCorrelation.tileCount(frames: frames)
        let positions = tiles + groups - 1
        // Per worker: scratch for Bᵀx (for dW), the adjoint output transform of dY and the dX
        // correlation; the accumulator holds the transformed kernel's gradient dU.
        let transformedInputSize = points * cin * positions * joints
        let outputGradientSize = points * cout * tiles * joints
        let correlationSize = WinogradTemporalCorrelation.scratchCount(inputs: cout, outputs: cin, groups: groups,
                                                                       tiles: tiles, joints: joints)
        let adjointKernel = WinogradTemporalCorrelation.transformedKernel(weight.value, outputs: cout, inputs: cin,
                                                                          taps: taps, adjoint: true)
        let inSize = cin * frames * joints, outSize = cout * frames * joints
        let inputWidth = positions * joints, outputWidth = tiles * joints
        let zeroRow = [Float](repeating: 0, count: joints)
        return withReadPointers(dy.scalars, input.scalars, adjointKernel, zeroRow) { dy, x, adjointKernel, zeros in
            Tensor(shape: input.shape) { dx in
                WorkPlan(wholeSamples: samples).forEach(
                    scratchPerWorker: transformedInputSize + outputGradientSize + correlationSize,
                    accumulatorPerWorker: points * groups * cout * cin
                ) { item, scratch, du in
                    let xs = x + item.sample * inSize, dys = dy + item.sample * outSize
                    let transformedInput = scratch, outputGradient = scratch + transformedInputSize
                    let correlationScratch = outputGradient + outputGradientSize
                    // dU[ξ][g] += dM_ξ · (Bᵀx)_ξ shifted by g tiles, transposed.
                    WinogradTemporalCorrelation.transformInput(
                        xs, channels: cin, frames: frames, joints: joints, padding: pad,
                        positions: 0..<positions, zeros: zeros, into: transformedInput)
                    WinogradTemporalCorrelation.adjointTransformOutput(
                        dys, channels: cout, frames: frames, joints: joints, tiles: tiles,
                        zeros: zeros, into: outputGradient)
                    for point in 0..<points {
                        for g in 0..<groups {
                            BLAS.gemm(transposeB: true, m: cout, n: cin, k: outputWidth,
                                      a: outputGradient + point * cout * outputWidth, lda: outputWidth,
                                      b: transformedInput + point * cin * inputWidth + g * joints, ldb: inputWidth,
                                      beta: 1, c: du + (point * groups + g) * cout * cin, ldc: cin)
                        }
                    }
                    // dX: the correlation of dY with the transposed, time-reversed kernel.
                    WinogradTemporalCorrelation.correlate(
                        dys, inputs: cout, outputs: cin, groups: groups, frames: frames, joints: joints,
                        padding: pad, kernel: adjointKernel, bias: nil, rectifiedBy: inputIsRectified ? xs : nil,
                        tiles: 0..<tiles, zeros: zeros, scratch: correlationScratch, into: dx + item.sample * inSize)
                } reduce: { du in
                    weight.gradient.withUnsafeMutableBufferPointer { dw in
                        WinogradTemporalCorrelation.accumulateKernelGradient(du, outputs: cout, inputs: cin, taps: taps,
                                                                             into: dw.baseAddress!)
                    }
                }
            }
        }
    }
}
