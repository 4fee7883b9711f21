/// The largest sizes this package accepts from files and command-line options, in one place.
///
/// Every size that comes from outside (a config's `num_class` or `num_node`, a clip's
/// `frame_index`, `--frames`, …) is checked against these limits *before* anything is
/// allocated for it, and rejected with a one-line error naming the file or option, the value
/// and the limit. The values are far above every published skeleton dataset and model, and
/// far below what would exhaust a machine's memory by themselves; large products of sizes
/// (a long clip through the network, a batch) are checked against the machine's memory as
/// well (`MemoryBudget`).
///
/// | limit | value | what it bounds | real data for scale |
/// | --- | --- | --- | --- |
/// | `maximumJointCount` | 1,024 | joints V of a layout (`num_node`), of a clip | NTU 25, OpenPose 18, COCO-WholeBody 133 |
/// | `maximumClassCount` | 100,000 | classes (`num_class`) | NTU-120 120, Kinetics 400 |
/// | `maximumInputChannels` | 1,024 | channels per joint (`in_channels`) | 2–3 (x, y, score / x, y, z) |
/// | `maximumTemporalKernelSize` | 1,023 | the temporal kernel (`temporal_kernel_size`) | 9 |
/// | `maximumFrameCount` | 10,000 | frames T of a clip (`--frames`, `--max-frames`, `frame_index + 1`, the frames a file or folder holds) | 300 (10 s at 30 fps); 10,000 ≈ 5.5 min |
/// | `maximumPersonCount` | 64 | persons M of a clip | 2 (NTU, Kinetics) |
/// | `maximumConfigurationBytes` | 16 MiB | the size of a YAML config file | the official configs: under 1 KB |
/// | `maximumYAMLNestingDepth` | 64 | nesting of sequences and mappings in a YAML config | 5 in the official configs |
/// | `maximumListedItems` | 10 | items an error message lists before "… and N more" | |
public enum InputLimits {
    /// Joints V of a skeleton layout (`num_node`) or of a clip.
    public static let maximumJointCount = 1_024
    /// Action classes (`num_class`).
    public static let maximumClassCount = 100_000
    /// Channels per joint (`in_channels`).
    public static let maximumInputChannels = 1_024
    /// The temporal kernel size (`temporal_kernel_size`).
    public static let maximumTemporalKernelSize = 1_023
    /// Frames T of one clip: `--frames`, a Kinetics `frame_index` + 1, a file's frame count.
    public static let maximumFrameCount = 10_000
    /// Persons M of one clip.
    public static let maximumPersonCount = 64
    /// Size in bytes of a YAML configuration file.
    public static let maximumConfigurationBytes = 16 << 20
    /// Nesting depth of sequences and mappings in a YAML document (the official configs nest 5 deep).
    public static let maximumYAMLNestingDepth = 64
    /// Items an error message lists before summarizing the rest as "… and N more".
    public static let maximumListedItems = 10

    /// nil when `value` is in `1...limit`, else a one-line reason naming `what`, the value and the limit.
    public static func violation(_ what: String, _ value: Int, atMost limit: Int, atLeast minimum: Int = 1) -> String? {
        if value < minimum { return "\(what) is \(value), expected at least \(minimum)" }
        if value > limit {
            return "\(what) is \(Self.grouped(value)), expected at most \(Self.grouped(limit)) (this package's limit for \(what))"
        }
        return nil
    }

    /// `value` with thousands separators: 10000000 → "10,000,000".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }
}
