import Foundation
import SeededRandom
import SkeletonGraph

/// A deterministic generator of skeleton action clips: the built-in training set.
///
/// Each clip is a simple kinematic body (a rest pose from the subject's bone lengths plus
/// per-class joint-angle trajectories, `SyntheticActionClass`) seen by a Kinect-like camera,
/// in the `ntu-rgb+d` layout (C=3: x, y, z in metres, camera space, y up; V=25; M=2) or
/// projected to 2D in the `openpose` layout (C=3: x, y, score as the Kinetics feeder prepares
/// them, coordinates in [−0.5, 0.5]; V=18; M=2).
///
/// Variation per clip: subject (bone lengths; training and test draw from disjoint subject
/// pools), speed, phase, amplitude, idle posture, facing direction, camera yaw, tilt, height and
/// distance, sensor noise, occasional missing joints or frames (zeros). `handshake` and
/// `pushing` have a second person; other classes leave person 2 zero.
///
/// Deterministic: a clip depends only on (seed, class, index, split, frames, options), never on
/// generation order or threads.
public struct SyntheticActions: Sendable {
    /// Which part of the synthetic dataset (disjoint subjects, independent clips).
    public enum Split: String, Sendable, Hashable, CaseIterable {
        case train, test
    }

    /// The output layout.
    public enum Layout: String, Sendable, Hashable, CaseIterable {
        /// 3D, 25 joints (`SkeletonLayout.ntuRGBD`).
        case ntuRGBD = "ntu-rgb+d"
        /// 2D + score, 18 joints (`SkeletonLayout.openpose`).
        case openpose

        /// The synthetic layout that makes clips for a model on `layout`, or nil when there is
        /// none (the one place that maps a model's layout to synthetic clips; no fallback).
        public init?(for layout: SkeletonLayout) {
            switch layout.name {
            case SkeletonLayout.ntuRGBD.name where layout.jointCount == 25: self = .ntuRGBD
            case SkeletonLayout.openpose.name where layout.jointCount == 18: self = .openpose
            default: return nil
            }
        }

        /// Joints per person.
        public var jointCount: Int { self == .ntuRGBD ? 25 : 18 }
        /// Position coordinates per joint (3D for NTU, 2D for OpenPose; the third channel is then the score).
        public var coordinateCount: Int { self == .ntuRGBD ? 3 : 2 }
        /// The joint that centring subtracts (NTU's spine shoulder, OpenPose's neck), 0-based.
        public var centerJoint: Int { self == .ntuRGBD ? 20 : 1 }
    }

    /// Generator settings.
    public struct Options: Sendable, Hashable {
        /// Standard deviation range of the per-clip coordinate noise (metres).
        public var noise: ClosedRange<Double> = 0.003...0.012
        /// Probability that a clip has a burst of missing joints.
        public var missingJointProbability: Double = 0.25
        /// Probability that a clip loses a few whole frames of a person.
        public var missingFrameProbability: Double = 0.1
        /// Largest camera yaw (degrees) either way.
        public var maxViewYaw: Double = 45
        /// When true, the motion fills 60–100% of the frames and the rest is zero padding
        /// (like real clips padded to a fixed length); when false it fills every frame.
        public var variableLength: Bool = false

        /// Default options.
        public init() {}
    }

    /// The seed every clip is derived from.
    public let seed: UInt64
    /// The settings.
    public let options: Options

    /// The number of subjects in the training pool (subjects 0..<24).
    public static let trainingSubjects = 24
    /// The number of subjects in the test pool (subjects 24..<32).
    public static let testSubjects = 8

    /// Creates a generator.
    public init(seed: UInt64 = 0, options: Options = Options()) {
        self.seed = seed
        self.options = options
    }

    /// The class names in label order.
    public static var classNames: [String] { SyntheticActionClass.allCases.map(\.name) }
    /// The number of classes.
    public static var classCount: Int { SyntheticActionClass.allCases.count }

    /// One clip of class `class` (label), number `index`, `frames` frames long.
    /// - Throws: `SkeletonDataError.invalidArgument` for an unknown class, a negative index or
    ///   fewer than 1 frame.
    public func clip(class label: Int, index: Int, frames: Int, split: Split = .train, layout: Layout = .ntuRGBD) throws(SkeletonDataError) -> SkeletonClip {
        guard let action = SyntheticActionClass(rawValue: label) else {
            throw .invalidArgument(name: "class", value: "\(label)", expected: "0..<\(Self.classCount)")
        }
        guard index >= 0 else { throw .invalidArgument(name: "index", value: "\(index)", expected: "at least 0") }
        guard frames >= 1 else { throw .invalidArgument(name: "frames", value: "\(frames)", expected: "at least 1") }
        let joints = layout.jointCount
        var clip = SkeletonClip(channels: 3, frames: frames, joints: joints, persons: 2)
        clip.withUnsafeMutableValues { buffer in
            render(action, index: index, frames: frames, split: split, layout: layout, into: buffer)
        }
        return clip
    }

    /// The subject (0-based, pools disjoint between splits) of clip `index`.
    public static func subject(index: Int, split: Split) -> Int {
        split == .train ? index % trainingSubjects : trainingSubjects + index % testSubjects
    }

    /// A whole dataset: `samplesPerClass` clips of every class, interleaved (sample n has label
    /// n mod classCount), as one `(N, C, T, V, M)` float32 array with labels and names.
    public func makeDataset(samplesPerClass: Int, frames: Int, split: Split = .train, layout: Layout = .ntuRGBD)
        throws(SkeletonDataError) -> (data: [Float], labels: [Int], names: [String]) {
        guard samplesPerClass >= 0 else { throw .invalidArgument(name: "samplesPerClass", value: "\(samplesPerClass)", expected: "at least 0") }
        guard frames >= 1 else { throw .invalidArgument(name: "frames", value: "\(frames)", expected: "at least 1") }
        let classes = Self.classCount
        let count = samplesPerClass * classes
        let joints = layout.jointCount
        let clipSize = 3 * frames * joints * 2
        var data = [Float](repeating: 0, count: count * clipSize)
        var labels: [Int] = []
        var names: [String] = []
        labels.reserveCapacity(count)
        names.reserveCapacity(count)
        for n in 0..<count {
            let label = n % classes, index = n / classes
            labels.append(label)
            names.append(Self.sampleName(class: label, index: index, split: split))
        }
        data.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let base = buffer
            let generator = self
            DispatchQueue.concurrentPerform(iterations: count) { n in
                guard let action = SyntheticActionClass(rawValue: n % classes) else { return }
                let slice = UnsafeMutableBufferPointer(rebasing: base[(n * clipSize)..<((n + 1) * clipSize)])
                generator.render(action, index: n / classes, frames: frames, split: split, layout: layout, into: slice)
            }
        }
        return (data, labels, names)
    }

    /// `syn_A001_P003_I00012_train`: class (1-based), subject, index, split.
    public static func sampleName(class label: Int, index: Int, split: Split) -> String {
        func pad(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "syn_A\(pad(label + 1, 3))_P\(pad(subject(index: index, split: split), 3))_I\(pad(index, 5))_\(split.rawValue)"
    }

    // MARK: Rendering

    /// Writes one clip, (3, T, V, 2), into `out` (which is zero).
    func render(_ action: SyntheticActionClass, index: Int, frames: Int, split: Split, layout: Layout, into out: UnsafeMutableBufferPointer<Float>) {
        let subjectID = Self.subject(index: index, split: split)
        var random = SplitMix64(keys: seed, 0xC11F, UInt64(action.rawValue), UInt64(index), split == .train ? 1 : 2)
        var subjectRandom = SplitMix64(keys: seed, 0x5B1E, UInt64(subjectID))
        let body = BodyShape(random: &subjectRandom)
        var partnerRandom = SplitMix64(keys: seed, 0x5B1E, UInt64(subjectID), 0x2)
        let partner = BodyShape(random: &partnerRandom)
        let style = MotionStyle(for: action, random: &random)
        let personCount = action.isTwoPerson ? 2 : 1

        // Scene placement (world frame: x right of the camera, y up, z away from the camera).
        var placements: [(yaw: Double, position: Vec3)] = []
        if personCount == 1 {
            placements.append((random.uniform(-30, 30), Vec3(random.uniform(-0.3, 0.3), 0, random.uniform(-0.2, 0.2))))
        } else {
            let gap = random.uniform(0.72, 0.95)
            let turn = random.uniform(0, 25)
            placements.append((-90 + turn, Vec3(-gap / 2, 0, 0)))
            placements.append((90 - turn, Vec3(gap / 2, 0, 0)))
        }
        let viewYaw = random.uniform(-options.maxViewYaw, options.maxViewYaw) * Kinematics.degrees
        let tilt = random.uniform(-8, 8) * Kinematics.degrees
        let cameraHeight = random.uniform(0.7, 1.1)
        let depth = random.uniform(2.6, 3.6)
        let lateral = random.uniform(-0.25, 0.25)
        let view = Mat3.rx(tilt) * Mat3.ry(viewYaw)
        let cameraOffset = Vec3(lateral, -cameraHeight, depth)
        let sigma = random.uniform(options.noise.lowerBound, options.noise.upperBound)
        let active = options.variableLength ? max(1, Int((Double(frames) * random.uniform(0.6, 1.0)).rounded())) : frames

        // Missing data: a burst of missing joints, and/or a few lost frames.
        var missingJoints: (range: Range<Int>, joints: [Int])?
        if random.chance(options.missingJointProbability) {
            let length = min(active, 3 + Int(random.unit() * 8))
            let start = Int(random.unit() * Double(max(1, active - length + 1)))
            var joints: [Int] = []
            for _ in 0..<(1 + Int(random.unit() * 3)) { joints.append(Int(random.unit() * 25)) }
            missingJoints = (start..<(start + length), joints)
        }
        var lostFrames: Set<Int> = []
        if random.chance(options.missingFrameProbability) {
            for _ in 0..<(1 + Int(random.unit() * 3)) { lostFrames.insert(Int(random.unit() * Double(active))) }
        }
        let scores2D = layout == .openpose ? (random.uniform(0.55, 0.75), random.uniform(0.85, 0.98)) : (1.0, 1.0)

        let joints = layout.jointCount
        var points = [Vec3](repeating: .zero, count: Kinematics.pointCount)
        var camera = [Vec3](repeating: .zero, count: Kinematics.pointCount)
        for t in 0..<active {
            let u = active > 1 ? Double(t) / Double(active - 1) : 0
            for m in 0..<personCount {
                let pose = action.pose(role: m, at: u, style: style)
                Kinematics.solve(pose, m == 0 ? body : partner, into: &points)
                let (yaw, position) = placements[m]
                // Body frame (x = left, z = forward) to world: turn 180° to face the camera, then yaw.
                let toWorld = Mat3.ry(yaw * Kinematics.degrees) * Mat3.ry(Double.pi)
                for i in 0..<Kinematics.pointCount {
                    let world = toWorld * points[i] + position
                    camera[i] = view * world + cameraOffset
                }
                if lostFrames.contains(t) && m == 0 { continue }
                switch layout {
                case .ntuRGBD:
                    for v in 0..<25 {
                        if let missing = missingJoints, m == 0, missing.range.contains(t), missing.joints.contains(v) { continue }
                        let p = camera[v]
                        out[((0 * frames + t) * joints + v) * 2 + m] = Float(p.x + sigma * random.normal())
                        out[((1 * frames + t) * joints + v) * 2 + m] = Float(p.y + sigma * random.normal())
                        out[((2 * frames + t) * joints + v) * 2 + m] = Float(p.z + sigma * random.normal())
                    }
                case .openpose:
                    for v in 0..<18 {
                        let source = Self.openposeSource[v]
                        if let missing = missingJoints, m == 0, missing.range.contains(t), missing.joints.contains(source) { continue }
                        let p = camera[source]
                        // Face points turned away from the camera are not detected.
                        if v == 0 || v >= 14 {
                            if p.z > camera[3].z + (v >= 16 ? 0.03 : 0) { continue }
                        }
                        guard p.z > 0.3 else { continue }
                        let focal = 0.78  // image widths; about 65° horizontal field of view
                        let x = focal * p.x / p.z + sigma * random.normal()
                        let y = -focal * p.y / p.z * (340.0 / 256.0) + sigma * random.normal()
                        guard abs(x) < 0.5, abs(y) < 0.5 else { continue }
                        let score = random.uniform(scores2D.0, scores2D.1)
                        out[((0 * frames + t) * joints + v) * 2 + m] = Float(x)
                        out[((1 * frames + t) * joints + v) * 2 + m] = Float(y)
                        out[((2 * frames + t) * joints + v) * 2 + m] = Float(score)
                    }
                }
            }
        }
    }

    /// For each `openpose` joint, the synthetic point it is taken from (25 NTU joints, then
    /// nose 25, left eye 26, right eye 27, left ear 28, right ear 29).
    static let openposeSource = [25, 20, 8, 9, 10, 4, 5, 6, 16, 17, 18, 12, 13, 14, 27, 26, 29, 28]
}
