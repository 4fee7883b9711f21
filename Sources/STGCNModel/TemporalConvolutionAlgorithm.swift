/// How a `TemporalConvolution` computes a stride-1 convolution whose kernel length is a multiple
/// of 3 (the 9×1 convolution of every ST-GCN block); other shapes always run `.direct`.
public enum TemporalConvolutionAlgorithm: String, Sendable, CaseIterable {
    /// One accumulating GEMM per tap on time-shifted views of the input, in every pass.
    case direct
    /// Winograd F(3, 3) on groups of three taps (5/9 of the direct GEMM work plus two cheap
    /// transforms) for forward passes outside training and for both gradients in `backward`;
    /// training forward passes stay direct.
    ///
    /// Why not the training forward: its rounding error, about twice the direct sum's, decides
    /// which ReLUs fire and the batch statistics. On the official parity fixture (4 clips ×
    /// 40 frames) it flips a ReLU in block 6 that float64 and PyTorch float32 agree on, and nine
    /// gradient tensors (mostly block 6's) land up to 2.3e-3 (norm) from the float64 reference,
    /// where PyTorch float32 is within 3.2e-6 on block 6's (`Float64ReferenceTests` fails). In `backward` and in inference the
    /// error does not compound: the gradients and logits stay as close as direct.
    case winograd
}
