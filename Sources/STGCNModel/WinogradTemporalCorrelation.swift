import STGCNTensor

/// The stride-1 temporal convolution with a kernel of `3·G` taps computed with the Winograd
/// (Toom–Cook) algorithm F(3, 3): 5 multiplications per 3 outputs of each 3-tap group instead
/// of 9, so the GEMM work of a 9×1 convolution drops to 5/9 of the direct form.
///
/// Output frames are cut into tiles of 3. Tap group `g` (taps `3g…3g+2`) of output tile `i`
/// reads the 5 input frames starting at `3(i + g) − padding`, so every group reads the same
/// transformed input, shifted by whole tiles: one input transform per layer, then for each of
/// the 5 points one accumulating GEMM per group on a shifted view, as the direct form does per
/// tap. With interpolation points 0, 1, −1, 2 and ∞:
///
///     Bᵀ = [ 2 −1 −2  1  0 ]     G = [  1/2    0     0  ]     Aᵀ = [ 1  1  1  1  0 ]
///          [ 0 −2 −1  1  0 ]         [ −1/2 −1/2  −1/2 ]          [ 0  1 −1  2  0 ]
///          [ 0  2 −3  1  0 ]         [ −1/6  1/6  −1/6 ]          [ 0  1  1  4  1 ]
///          [ 0 −1  0  1  0 ]         [  1/6  1/3   2/3 ]
///          [ 0  2 −1 −2  1 ]         [   0    0     1  ]
///
/// and `y = Aᵀ [(G g) ⊙ (Bᵀ d)]` for a 3-tap correlation `y[j] = Σ_r g[r]·d[j + r]`. The
/// rounding error is about twice that of the direct sum (measured on 64 channels in float32).
///
/// The same routines give the input gradient (a correlation with the transposed, time-reversed
/// kernel) and the weight gradient (the adjoint: `Aᵀ`'s transpose applied to dY, GEMMs against
/// the transformed input, then `Gᵀ` back to taps).
enum WinogradTemporalCorrelation {
    /// Output frames per tile.
    static let tileLength = 3
    /// Interpolation points, i.e. multiplications per tile and tap group.
    static let pointCount = 5

    /// `G g` for one 3-tap group `(g0, g1, g2)`: the filter transform, one value per point.
    @inline(__always)
    static func filterPoints(_ g0: Double, _ g1: Double, _ g2: Double) -> (Double, Double, Double, Double, Double) {
        (0.5 * g0, -0.5 * (g0 + g1 + g2), (g1 - g0 - g2) / 6, (g0 + 2 * g1 + 4 * g2) / 6, g2)
    }

    /// `Gᵀ u` for the five point values `u` of one group: the adjoint of `filterPoints`, three taps.
    @inline(__always)
    static func adjointFilterPoints(_ u0: Double, _ u1: Double, _ u2: Double, _ u3: Double, _ u4: Double)
        -> (Double, Double, Double) {
        (0.5 * (u0 - u1) + (u3 - u2) / 6, (u2 + 2 * u3) / 6 - 0.5 * u1, (4 * u3 - u2) / 6 - 0.5 * u1 + u4)
    }

    /// Whether a convolution of this shape can run with this algorithm.
    static func supports(kernelSize: Int, stride: Int) -> Bool {
        stride == 1 && kernelSize >= tileLength && kernelSize % tileLength == 0
    }

    /// The transformed kernel `U[ξ][g][o][i] = Σ_r G[ξ][r] · W[o][i][3g + r]`, from a weight in
    /// PyTorch's `(C_out, C_in, k)` layout. With `adjoint`, the kernel of the input gradient:
    /// channels swapped and taps reversed, `U[ξ][g][i][o] = Σ_r G[ξ][r] · W[o][i][k − 1 − 3g − r]`.
    static func transformedKernel(_ weight: [Float], outputs: Int, inputs: Int, taps: Int, adjoint: Bool) -> [Float] {
        let groups = taps / tileLength
        let matrix = outputs * inputs, pointStride = groups * matrix
        return [Float](unsafeUninitializedCapacity: pointCount * pointStride) { u, initialized in
            weight.withUnsafeBufferPointer { w in
                for o in 0..<outputs {
                    for i in 0..<inputs {
                        let source = w.baseAddress! + (o * inputs + i) * taps
                        let destination = adjoint ? i * outputs + o : o * inputs + i
                        for g in 0..<groups {
                            func tap(_ r: Int) -> Double {
                                Double(source[adjoint ? taps - 1 - tileLength * g - r : tileLength * g + r])
                            }
                            let points = filterPoints(tap(0), tap(1), tap(2))
                            let target = u.baseAddress! + g * matrix + destination
                            target[0] = Float(points.0)
                            target[pointStride] = Float(points.1)
                            target[2 * pointStride] = Float(points.2)
                            target[3 * pointStride] = Float(points.3)
                            target[4 * pointStride] = Float(points.4)
                        }
                    }
                }
            }
            initialized = pointCount * pointStride
        }
    }

    /// The number of tiles covering `frames` output frames.
    static func tileCount(frames: Int) -> Int { (frames + tileLength - 1) / tileLength }

    /// Scratch floats `correlate` needs for `tiles` tiles.
    static func scratchCount(inputs: Int, outputs: Int, groups: Int, tiles: Int, joints: Int) -> Int {
        pointCount * (inputs * (tiles + groups - 1) + outputs * tiles) * joints
    }

    /// `Bᵀd` for the tile positions `positions` of one sample `x` `(C, T, V)`: position `p` reads
    /// frames `3p − padding … 3p − padding + 4` (zero outside `0..<frames`). Writes
    /// `v[ξ][c][p − lower][w]`, point planes `channels · positions.count · V` apart.
    static func transformInput(_ x: UnsafePointer<Float>, channels: Int, frames: Int, joints: Int, padding: Int,
                               positions: Range<Int>, zeros: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>) {
        let width = positions.count * joints, plane = channels * width
        for c in 0..<channels {
            let channel = x + c * frames * joints
            for p in positions {
                let first = tileLength * p - padding
                func row(_ q: Int) -> UnsafePointer<Float> {
                    let frame = first + q
                    return frame >= 0 && frame < frames ? channel + frame * joints : zeros
                }
                let (d0, d1, d2, d3, d4) = (row(0), row(1), row(2), row(3), row(4))
                let v0 = v + c * width + (p - positions.lowerBound) * joints
                let (v1, v2, v3, v4) = (v0 + plane, v0 + 2 * plane, v0 + 3 * plane, v0 + 4 * plane)
                for w in 0..<joints {
                    let (e0, e1, e2, e3, e4) = (d0[w], d1[w], d2[w], d3[w], d4[w])
                    v0[w] = 2 * (e0 - e2) - e1 + e3
                    v1[w] = e3 - e2 - 2 * e1
                    v2[w] = 2 * e1 - 3 * e2 + e3
                    v3[w] = e3 - e1
                    v4[w] = 2 * (e1 - e3) - e2 + e4
                }
            }
        }
    }

    /// `Aᵀm + bias` for tiles `tiles`: writes the output frames `3i…3i+2` of each tile `i` that lie
    /// in `stored` (default: all below `frames`) into `y` `(C, stored.count, V)`, whose position 0
    /// is frame `stored.lowerBound`. With `rectifiedBy` (laid out like `y`), an entry is zeroed
    /// where that tensor is not positive (the backward of a ReLU before the layer).
    static func transformOutput(_ m: UnsafePointer<Float>, channels: Int, tiles: Range<Int>, frames: Int, joints: Int,
                                stored: Range<Int>? = nil, bias: UnsafePointer<Float>?, rectifiedBy: UnsafePointer<Float>?,
                                into y: UnsafeMutablePointer<Float>) {
        let width = tiles.count * joints, plane = channels * width
        let stored = (stored ?? 0..<frames).clamped(to: 0..<frames)
        for o in 0..<channels {
            let b = bias?[o] ?? 0
            for i in tiles {
                let m0 = m + o * width + (i - tiles.lowerBound) * joints
                let (m1, m2, m3, m4) = (m0 + plane, m0 + 2 * plane, m0 + 3 * plane, m0 + 4 * plane)
                let frame = tileLength * i
                // The tile's frames `frame + first ..< frame + last` are stored.
                let first = max(0, stored.lowerBound - frame), last = min(tileLength, stored.upperBound - frame)
                guard first < last else { continue }
                let offset = (o * stored.count + frame - stored.lowerBound) * joints
                let y0 = y + offset, y1 = y0 + joints, y2 = y1 + joints
                if first == 0 && last == tileLength {
                    for w in 0..<joints {
                        let (a, c, d, e) = (m1[w], m2[w], m3[w], m4[w])
                        y0[w] = m0[w] + a + c + d + b
                        y1[w] = a - c + 2 * d + b
                        y2[w] = a + c + 4 * d + e + b
                    }
                } else {
                    for w in 0..<joints {
                        let (a, c, d, e) = (m1[w], m2[w], m3[w], m4[w])
                        let values = (m0[w] + a + c + d + b, a - c + 2 * d + b, a + c + 4 * d + e + b)
                        if first == 0 { y0[w] = values.0 }
                        if first <= 1 && last > 1 { y1[w] = values.1 }
                        if last > 2 { y2[w] = values.2 }
                    }
                }
                if let mask = rectifiedBy.map({ $0 + offset + first * joints }) {
                    VectorArithmetic.keepWherePositive(y0 + first * joints, mask: mask, count: (last - first) * joints)
                }
            }
        }
    }

    /// The correlation of one sample `x` `(C_in, T, V)` for output tiles `tiles`, into `y`
    /// `(C_out, T, V)` (frames `3·tiles.lowerBound ..< min(T, 3·tiles.upperBound)`; with `stored`,
    /// only those in it, into `y` `(C_out, stored.count, V)` as `transformOutput` says), with the
    /// transformed `kernel` of `transformedKernel`. `scratch` holds `scratchCount(…)` floats.
    static func correlate(_ x: UnsafePointer<Float>, inputs: Int, outputs: Int, groups: Int, frames: Int, joints: Int,
                          padding: Int, kernel: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          rectifiedBy: UnsafePointer<Float>?, tiles: Range<Int>, stored: Range<Int>? = nil,
                          zeros: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let positions = tiles.lowerBound..<(tiles.upperBound + groups - 1)
        let inputWidth = positions.count * joints, outputWidth = tiles.count * joints
        let transformed = scratch, products = scratch + pointCount * inputs * inputWidth
        transformInput(x, channels: inputs, frames: frames, joints: joints, padding: padding,
                       positions: positions, zeros: zeros, into: transformed)
        for point in 0..<pointCount {
            for g in 0..<groups {
                BLAS.gemm(m: outputs, n: outputWidth, k: inputs,
                          a: kernel + (point * groups + g) * outputs * inputs, lda: inputs,
                          b: transformed + point * inputs * inputWidth + g * joints, ldb: inputWidth,
                          beta: g == 0 ? 0 : 1, c: products + point * outputs * outputWidth, ldc: outputWidth)
            }
        }
        transformOutput(products, channels: outputs, tiles: tiles, frames: frames, joints: joints,
                        stored: stored, bias: bias, rectifiedBy: rectifiedBy, into: y)
    }

    /// The adjoint of `transformOutput` (without bias) for all tiles of one sample's output
    /// gradient `dy` `(C, T, V)`: `dm[ξ][c][i][w] = Σ_j A[j][ξ] · dy[c][3i + j][w]`, frames past
    /// `T` counting as zero.
    static func adjointTransformOutput(_ dy: UnsafePointer<Float>, channels: Int, frames: Int, joints: Int,
                                       tiles: Int, zeros: UnsafePointer<Float>, into dm: UnsafeMutablePointer<Float>) {
        let width = tiles * joints, plane = channels * width
        for c in 0..<channels {
            let channel = dy + c * frames * joints
            for i in 0..<tiles {
                let frame = tileLength * i
                func row(_ j: Int) -> UnsafePointer<Float> { frame + j < frames ? channel + (frame + j) * joints : zeros }
                let (g0, g1, g2) = (row(0), row(1), row(2))
                let m0 = dm + c * width + i * joints
                let (m1, m2, m3, m4) = (m0 + plane, m0 + 2 * plane, m0 + 3 * plane, m0 + 4 * plane)
                for w in 0..<joints {
                    let (e0, e1, e2) = (g0[w], g1[w], g2[w])
                    m0[w] = e0
                    m1[w] = e0 + e1 + e2
                    m2[w] = e0 - e1 + e2
                    m3[w] = e0 + 2 * e1 + 4 * e2
                    m4[w] = e2
                }
            }
        }
    }

    /// Adds `Σ_ξ G[ξ][r] · dU[ξ][g][o][i]` to `dW[o][i][3g + r]` (PyTorch's `(C_out, C_in, k)` layout).
    static func accumulateKernelGradient(_ du: UnsafePointer<Float>, outputs: Int, inputs: Int, taps: Int,
                                         into dw: UnsafeMutablePointer<Float>) {
        let groups = taps / tileLength, matrix = outputs * inputs, pointStride = groups * matrix
        for g in 0..<groups {
            for index in 0..<matrix {
                let u = du + g * matrix + index
                let taps3 = adjointFilterPoints(Double(u[0]), Double(u[pointStride]), Double(u[2 * pointStride]),
                                                Double(u[3 * pointStride]), Double(u[4 * pointStride]))
                let target = dw + index * taps + tileLength * g
                target[0] += Float(taps3.0)
                target[1] += Float(taps3.1)
                target[2] += Float(taps3.2)
            }
        }
    }
}
