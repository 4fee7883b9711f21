/// Which persons share a two-person (M ≥ 2) model's input with the person being recognised.
///
/// The official Kinetics feeder keeps, per frame, the persons with the highest score summed
/// over the joints. With tracked persons the same rule runs over the window: each other person
/// present in frames `start...end` is ranked by its score summed over the joints and frames of
/// the window (2-D layouts); for 3-D layouts, which have no score, by the number of joints
/// present in the window (the official NTU converter keeps bodies in file order, which the
/// tie-break below follows). Ties go to the person seen first in the window, then to the
/// lower id.
public enum PersonRelevance {
    /// The ids of the other persons in `frames`, most relevant first.
    public static func ranked(_ frames: some Sequence<TrackedFrame>, excluding person: Int, jointCount: Int,
                              threeDimensional: Bool) -> [Int] {
        var relevance: [Int: (value: Double, first: Int)] = [:]
        for frame in frames {
            for other in frame.persons where other.id != person {
                let skeleton = other.skeleton
                var value = 0.0
                if threeDimensional {
                    for v in 0..<jointCount where skeleton[v] != 0 || skeleton[jointCount + v] != 0 || skeleton[2 * jointCount + v] != 0 {
                        value += 1
                    }
                } else {
                    for v in 0..<jointCount { value += Double(skeleton[2 * jointCount + v]) }
                }
                let entry = relevance[other.id] ?? (0, frame.index)
                relevance[other.id] = (entry.value + value, entry.first)
            }
        }
        return relevance.sorted { a, b in
            if a.value.value != b.value.value { return a.value.value > b.value.value }
            if a.value.first != b.value.first { return a.value.first < b.value.first }
            return a.key < b.key
        }.map(\.key)
    }
}
