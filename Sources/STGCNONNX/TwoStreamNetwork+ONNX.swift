import STGCNModel

extension TwoStreamNetwork {
    /// The evaluation-mode two-stream network (`net.st_gcn_twostream.Model`) as an ONNX model
    /// with input `input` `(batch, C, T, V, M)` and output `logits` `(batch, classCount)`.
    ///
    /// The motion `m[t] = x[t] − ½·x[t+1] − ½·x[t−1]` of the inner frames is computed with three
    /// `Slice`s, two `Mul`s and two `Sub`s, and zero-padded to T frames (`Pad`), so the first and
    /// last frame have zero motion, as in the official model. Each stream is the single-stream
    /// graph (`STGCNNetwork.onnxModel`) under its official key prefix (`origin_stream.`,
    /// `motion_stream.`); an `Add` sums their logits. The declared T must be at least 3.
    public func onnxModel(options: ONNXExportOptions = ONNXExportOptions()) throws(ONNXExportError) -> ONNXModel {
        try options.validate()
        guard configuration.variant == .stgcn else { throw .unsupportedVariant(configuration.variant.rawValue) }
        if let frames = options.frames, frames < 3 { throw .invalidDimension(name: "T (frames, at least 3 for the motion stream)", value: frames) }
        let opset = Int64(options.opset), persons = Int64(options.persons)
        var b = ONNXGraphBuilder()

        // Motion: (x[1:-1] − ½·x[2:] − ½·x[:-2]) padded with one zero frame at each end of T.
        let half = b.constant("motion.half", [0.5], dims: [])
        let current = b.slice("input", axis: 2, start: 1, end: -1, name: "motion.current")
        let next = b.slice("input", axis: 2, start: 2, end: Int64.max, name: "motion.next")
        let previous = b.slice("input", axis: 2, start: 0, end: -2, name: "motion.previous")
        var m = b.node("Sub", "motion.minus_next", inputs: [current, b.node("Mul", "motion.half_next", inputs: [next, half])])
        m = b.node("Sub", "motion.minus_previous", inputs: [m, b.node("Mul", "motion.half_previous", inputs: [previous, half])])
        let pads = b.int64Vector([0, 0, 1, 0, 0, 0, 0, 1, 0, 0])
        let motion = b.node("Pad", "motion", inputs: [m, pads])

        originStream.exportLogits(input: "input", output: "origin_stream.logits", prefix: "origin_stream.",
                                  persons: persons, opset: opset, builder: &b)
        motionStream.exportLogits(input: motion, output: "motion_stream.logits", prefix: "motion_stream.",
                                  persons: persons, opset: opset, builder: &b)
        b.node("Add", "logits", inputs: ["origin_stream.logits", "motion_stream.logits"])
        let description = "Two-stream ST-GCN (yysijie/st-gcn net.st_gcn_twostream.Model: coordinates + motion), layout "
            + "\(configuration.layout.name), strategy \(configuration.strategy.rawValue), \(configuration.classCount) classes; "
            + "input (N, C, T, V, M), output logits (N, num_class); evaluation mode"
        return try b.model(name: "st_gcn_twostream", configuration: configuration, options: options, description: description)
    }
}
