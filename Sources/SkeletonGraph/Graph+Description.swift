extension Graph {
    /// A human-readable rendering of the layout, its edges and every partition subset:
    /// for each subset and target joint, the source joints that feed it and their weights.
    /// Used by `stgcn graph`.
    public var partitionDescription: String {
        let v = jointCount
        var lines: [String] = []
        lines.append("layout \(layout.name): \(v) joints, center \(layout.center) (\(layout.jointName(layout.center))), \(layout.edges.count) edges")
        lines.append("strategy \(strategy.rawValue), max hop \(maxHop), dilation \(dilation): K = \(subsetCount) subsets, A shape \(shape)")
        lines.append("edges: " + layout.edges.map { "\($0.first)-\($0.second)" }.joined(separator: " "))
        for k in 0..<subsetCount {
            let nonZero = (0..<(v * v)).filter { adjacency[k * v * v + $0] != 0 }.count
            lines.append("subset \(k): \(subsetLabels[k]) — \(nonZero) non-zero entries")
            for w in 0..<v {
                let sources = (0..<v).compactMap { source -> String? in
                    let weight = entry(subset: k, source: source, target: w)
                    return weight == 0 ? nil : "\(source) (\(Self.format(weight)))"
                }
                if sources.isEmpty { continue }
                lines.append("  \(w) \(layout.jointName(w)) <- " + sources.joined(separator: ", "))
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func format(_ value: Float) -> String {
        // Four decimals without Foundation.
        let scaled = Int((Double(value) * 10_000).rounded())
        let whole = scaled / 10_000
        let fraction = String(abs(scaled % 10_000))
        return "\(whole)." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }
}
