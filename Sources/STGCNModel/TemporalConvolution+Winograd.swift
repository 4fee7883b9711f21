import STGCNTensor

/// The Winograd F(3, 3) paths of `TemporalConvolution` (stride 1, kernel length divisible by 3);
/// see `WinogradTemporalCorrelation` for the algorithm.
extension TemporalConvolution {
    /// Convolves `x` `(S, C_in, T, V)` to `(S, C_out, T, V)`. Samples run in parallel; with fewer
    /// samples than workers, each sample's tiles are split between them.
    func winogradForward(_ x: Tensor) -> Tensor {
        let (samples, frames, joints) = (x.shape[0], x.shape[2], x.shape[3])
        let (cin, cout, pad) = (inputChannels, outputChannels, padding)
        let groups = kernelSize / WinogradTemporalCorrelation.tileLength
        let tiles = WinogradTemporalCorrelation.tileCount(frames: frames)
        let workers = Parallel.workerCount
        let pieces = samples >= workers ? 1 : min(tiles, (workers + samples - 1) / samples)
        let pieceTiles = (tiles + pieces - 1) / pieces
        let scratchSize = WinogradTemporalCorrelation.scratchCount(inputs: cin, outputs: cout, groups: groups,
                                                                   tiles: pieceTiles, joints: joints)
        let scratchCount = scratchSize * min(workers, samples * pieces)
        var scratch = [Float](unsafeUninitializedCapacity: scratchCount) { _, n in n = scratchCount }
        let zeros = [Float](repeating: 0, count: joints)
        let kernel = WinogradTemporalCorrelation.transformedKernel(weight.value, outputs: cout, inputs: cin,
                                                                   taps: kernelSize, adjoint: false)
        var y = Tensor(uninitializedShape: [samples, cout, frames, joints])
        let inSize = cin * frames * joints, outSize = cout * frames * joints
        kernel.withUnsafeBufferPointer { kp in
            bias.value.withUnsafeBufferPointer { bp in
                zeros.withUnsafeBufferPointer { zp in
                    x.scalars.withUnsafeBufferPointer { xp in
                        y.scalars.withUnsafeMutableBufferPointer { yp in
                            scratch.withUnsafeMutableBufferPointer { sp in
                                Parallel.forEach(samples * pieces) { item, worker in
                                    let s = item / pieces, piece = item % pieces
                                    let range = (tiles * piece / pieces)..<(tiles * (piece + 1) / pieces)
                                    guard !range.isEmpty else { return }
                                    WinogradTemporalCorrelation.correlate(
                                        xp.baseAddress! + s * inSize, inputs: cin, outputs: cout, groups: groups,
                                        frames: frames, joints: joints, padding: pad, kernel: kp.baseAddress!,
                                        bias: bp.baseAddress!, rectifiedBy: nil, tiles: range, zeros: zp.baseAddress!,
                                        scratch: sp.baseAddress! + worker * scratchSize,
                                        into: yp.baseAddress! + s * outSize)
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
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
        let workers = min(Parallel.workerCount, samples)
        // Per worker: Bᵀx (for dW), the adjoint output transform of dY, then the dX correlation's scratch.
        let transformedInputSize = points * cin * positions * joints
        let outputGradientSize = points * cout * tiles * joints
        let correlationSize = WinogradTemporalCorrelation.scratchCount(inputs: cout, outputs: cin, groups: groups,
                                                                       tiles: tiles, joints: joints)
        let scratchSize = transformedInputSize + outputGradientSize + correlationSize
        var scratch = [Float](unsafeUninitializedCapacity: scratchSize * workers) { _, n in n = scratchSize * workers }
        let kernelGradientSize = points * groups * cout * cin
        var partialKernelGradients = [Float](repeating: 0, count: kernelGradientSize * workers)
        let zeros = [Float](repeating: 0, count: joints)
        let adjointKernel = WinogradTemporalCorrelation.transformedKernel(weight.value, outputs: cout, inputs: cin,
                                                                          taps: taps, adjoint: true)
        var dx = Tensor(uninitializedShape: input.shape)
        let inSize = cin * frames * joints, outSize = cout * frames * joints
        adjointKernel.withUnsafeBufferPointer { kp in
            partialKernelGradients.withUnsafeMutableBufferPointer { pkg in
                zeros.withUnsafeBufferPointer { zp in
                    input.scalars.withUnsafeBufferPointer { xp in
                        dy.scalars.withUnsafeBufferPointer { gp in
                            dx.scalars.withUnsafeMutableBufferPointer { dxp in
                                scratch.withUnsafeMutableBufferPointer { sp in
                                    Parallel.forEach(samples) { s, worker in
                                        let xs = xp.baseAddress! + s * inSize, gs = gp.baseAddress! + s * outSize
                                        let transformedInput = sp.baseAddress! + worker * scratchSize
                                        let outputGradient = transformedInput + transformedInputSize
                                        let correlationScratch = outputGradient + outputGradientSize
                                        let du = pkg.baseAddress! + worker * kernelGradientSize
                                        // dU[ξ][g] += dM_ξ · (Bᵀx)_ξ shifted by g tiles, transposed.
                                        WinogradTemporalCorrelation.transformInput(
                                            xs, channels: cin, frames: frames, joints: joints, padding: pad,
                                            positions: 0..<positions, zeros: zp.baseAddress!, into: transformedInput)
                                        WinogradTemporalCorrelation.adjointTransformOutput(
                                            gs, channels: cout, frames: frames, joints: joints, tiles: tiles,
                                            zeros: zp.baseAddress!, into: outputGradient)
                                        let inputWidth = positions * joints, outputWidth = tiles * joints
                                        for point in 0..<points {
                                            for g in 0..<groups {
                                                BLAS.gemm(transposeB: true, m: cout, n: cin, k: outputWidth,
                                                          a: outputGradient + point * cout * outputWidth, lda: outputWidth,
                                                          b: transformedInput + point * cin * inputWidth + g * joints,
                                                          ldb: inputWidth, beta: 1,
                                                          c: du + (point * groups + g) * cout * cin, ldc: cin)
                                            }
                                        }
                                        // dX: the correlation of dY with the transposed, time-reversed kernel.
                                        WinogradTemporalCorrelation.correlate(
                                            gs, inputs: cout, outputs: cin, groups: groups, frames: frames,
                                            joints: joints, padding: pad, kernel: kp.baseAddress!, bias: nil,
                                            rectifiedBy: inputIsRectified ? xs : nil, tiles: 0..<tiles,
                                            zeros: zp.baseAddress!, scratch: correlationScratch,
                                            into: dxp.baseAddress! + s * inSize)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        weight.gradient.withUnsafeMutableBufferPointer { g in
            partialKernelGradients.withUnsafeBufferPointer { pkg in
                for worker in 0..<workers {
                    WinogradTemporalCorrelation.accumulateKernelGradient(
                        pkg.baseAddress! + worker * kernelGradientSize, outputs: cout, inputs: cin, taps: taps,
                        into: g.baseAddress!)
                }
            }
        }
        return dx
    }
}
