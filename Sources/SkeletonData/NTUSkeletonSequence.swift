import Foundation
import InputLimits

/// A parsed NTU RGB+D `.skeleton` file: every frame, every body, every joint, as written.
///
/// Format (text, one record per line): the frame count; per frame a body count (may be 0);
/// per body one line of 10 values (bodyID as a 64-bit integer, clipedEdges,
/// handLeftConfidence, handLeftState, handRightConfidence, handRightState, isRestricted,
/// leanX, leanY, trackingState), a joint count (25), then per joint one line of 12 values
/// (x y z depthX depthY colorX colorY orientationW orientationX orientationY orientationZ
/// trackingState). Integer fields must be written as integers.
public struct NTUSkeletonSequence: Sendable, Hashable {
    /// The frames, in file order.
    public var frames: [NTUSkeletonFrame]
    /// Where the sequence came from (a path or a caller-given name).
    public var source: String
    /// How many NaN/infinite values `NonFinitePolicy.replaceWithZero` replaced.
    public var replacedNonFiniteValues: Int

    /// Creates a sequence from parsed frames.
    public init(frames: [NTUSkeletonFrame], source: String = "<memory>", replacedNonFiniteValues: Int = 0) {
        self.frames = frames
        self.source = source
        self.replacedNonFiniteValues = replacedNonFiniteValues
    }

    /// Reads and parses a `.skeleton` file.
    /// - Parameters:
    ///   - jointCount: the joint count every body must declare (25); nil accepts any count up to 1,000.
    ///   - nonFinite: what to do with NaN/infinite coordinates (default: reject).
    /// - Throws: `SkeletonDataError` naming the file, line and field.
    public init(contentsOf url: URL, jointCount: Int? = 25, nonFinite: NonFinitePolicy = .reject) throws(SkeletonDataError) {
        let bytes = try FileBytes.read(url.path)
        try self.init(bytes: bytes, source: url.path, jointCount: jointCount, nonFinite: nonFinite)
    }

    /// Parses the text of a `.skeleton` file; `source` names it in errors.
    public init(bytes: [UInt8], source: String, jointCount: Int? = 25, nonFinite: NonFinitePolicy = .reject) throws(SkeletonDataError) {
        var scanner = TextScanner(bytes: bytes, file: source)
        var filter = NonFiniteFilter(nonFinite, file: source)
        var tokens: [Range<Int>] = []

        func line(_ what: String, count: Int) throws(SkeletonDataError) {
            guard scanner.nextLine(into: &tokens) else {
                throw .unexpectedEnd(file: source, line: scanner.endLine, expected: what)
            }
            guard tokens.count == count else {
                throw .malformed(file: source, line: scanner.currentLine, field: what,
                                 expected: "\(count) value\(count == 1 ? "" : "s") on the line", found: "\(tokens.count)")
            }
        }

        try line("frame count", count: 1)
        let frameCount = try scanner.requireInt(tokens[0], field: "frame count", in: 0...Int64(Int32.max))
        var frames: [NTUSkeletonFrame] = []
        frames.reserveCapacity(min(frameCount, 10_000))
        for f in 0..<frameCount {
            try line("frame \(f): body count", count: 1)
            let bodyCount = try scanner.requireInt(tokens[0], field: "frame \(f): body count", in: 0...Int64(Int32.max))
            var bodies: [NTUSkeletonBody] = []
            for b in 0..<bodyCount {
                let place = "frame \(f), body \(b)"
                try line("\(place): body info (bodyID clipedEdges handLeftConfidence handLeftState handRightConfidence handRightState isRestricted leanX leanY trackingState)", count: 10)
                let bodyID = try scanner.requireUInt64(tokens[0], field: "\(place): bodyID")
                var ints = [Int](repeating: 0, count: 6)
                let intNames = ["clipedEdges", "handLeftConfidence", "handLeftState", "handRightConfidence", "handRightState", "isRestricted"]
                for k in 0..<6 {
                    ints[k] = try scanner.requireInt(tokens[1 + k], field: "\(place): \(intNames[k])", in: Int64(Int32.min)...Int64(Int32.max))
                }
                let leanX = try filter.check(try scanner.requireDouble(tokens[7], field: "\(place): leanX"), line: scanner.currentLine, field: "\(place): leanX")
                let leanY = try filter.check(try scanner.requireDouble(tokens[8], field: "\(place): leanY"), line: scanner.currentLine, field: "\(place): leanY")
                let tracking = try scanner.requireInt(tokens[9], field: "\(place): trackingState", in: Int64(Int32.min)...Int64(Int32.max))

                try line("\(place): joint count", count: 1)
                let joints = try scanner.requireInt(tokens[0], field: "\(place): joint count", in: 0...1_000)
                if let jointCount, joints != jointCount {
                    throw .malformed(file: source, line: scanner.currentLine, field: "\(place): joint count",
                                     expected: "\(jointCount) joints", found: "\(joints)")
                }
                var jointList: [NTUSkeletonJoint] = []
                jointList.reserveCapacity(joints)
                for j in 0..<joints {
                    try line("\(place), joint \(j): 12 values (x y z depthX depthY colorX colorY orientationW orientationX orientationY orientationZ trackingState)", count: 12)
                    var v = [Float](repeating: 0, count: 11)
                    for k in 0..<11 {
                        let raw = try scanner.requireDouble(tokens[k], field: "\(place), joint \(j): \(NTUSkeletonJoint.fieldNames[k])")
                        v[k] = Float(try filter.check(raw, line: scanner.currentLine, field: "\(place), joint \(j): \(NTUSkeletonJoint.fieldNames[k])"))
                    }
                    let state = try scanner.requireInt(tokens[11], field: "\(place), joint \(j): trackingState", in: Int64(Int32.min)...Int64(Int32.max))
                    jointList.append(NTUSkeletonJoint(x: v[0], y: v[1], z: v[2], depthX: v[3], depthY: v[4], colorX: v[5], colorY: v[6],
                                                      orientationW: v[7], orientationX: v[8], orientationY: v[9], orientationZ: v[10],
                                                      trackingState: state))
                }
                bodies.append(NTUSkeletonBody(bodyID: bodyID, clippedEdges: ints[0], handLeftConfidence: ints[1], handLeftState: ints[2],
                                              handRightConfidence: ints[3], handRightState: ints[4], isRestricted: ints[5],
                                              leanX: Float(leanX), leanY: Float(leanY), trackingState: tracking, joints: jointList))
            }
            frames.append(NTUSkeletonFrame(bodies: bodies))
        }
        if scanner.nextLine(into: &tokens) {
            throw .malformed(file: source, line: scanner.currentLine, field: "after frame \(frameCount - 1)",
                             expected: "end of file (the header declares \(frameCount) frames)", found: scanner.quoted(tokens[0]))
        }
        self.init(frames: frames, source: source, replacedNonFiniteValues: filter.replaced)
    }

    /// The official conversion to a clip (C=3: x, y, z; V=25; M=`maxBodies`): the first
    /// `maxBodies` bodies of each frame in file order, zero-padded to `frameCount` frames.
    ///
    /// - Parameters:
    ///   - maxBodies: persons M (official: 2). Further bodies are dropped.
    ///   - frameCount: T (official: 300). Shorter sequences are zero-padded at the end.
    ///   - overflow: what to do when the file has more frames than `frameCount` (the official
    ///     converter fails): `.error` (default), `.truncate`, or `.keepAll` (T = frame count).
    ///   - jointCount: V (25); joints past V are dropped, missing ones stay zero.
    /// - Throws: `SkeletonDataError.tooManyFrames` under `.error` or when T would exceed
    ///   `InputLimits.maximumFrameCount`, `.invalidArgument` for bad counts.
    public func clip(maxBodies: Int = 2, frameCount: Int = 300, overflow: FrameOverflow = .error, jointCount: Int = 25) throws(SkeletonDataError) -> SkeletonClip {
        guard maxBodies >= 1 else { throw .invalidArgument(name: "maxBodies", value: "\(maxBodies)", expected: "at least 1") }
        guard frameCount >= 0 else { throw .invalidArgument(name: "frameCount", value: "\(frameCount)", expected: "at least 0") }
        guard jointCount >= 1 else { throw .invalidArgument(name: "jointCount", value: "\(jointCount)", expected: "at least 1") }
        var length = frameCount
        if frames.count > frameCount {
            switch overflow {
            case .error: throw .tooManyFrames(file: source, frames: frames.count, limit: frameCount)
            case .truncate: length = frameCount
            case .keepAll: length = frames.count
            }
        }
        guard length <= InputLimits.maximumFrameCount else {
            throw .exceedsLimit(file: source, what: "frames", value: length, limit: InputLimits.maximumFrameCount)
        }
        guard maxBodies <= InputLimits.maximumPersonCount, jointCount <= InputLimits.maximumJointCount else {
            throw .invalidArgument(name: "maxBodies/jointCount", value: "\(maxBodies)/\(jointCount)",
                                   expected: "at most \(InputLimits.maximumPersonCount)/\(InputLimits.maximumJointCount)")
        }
        var clip = SkeletonClip(channels: 3, frames: length, joints: jointCount, persons: maxBodies)
        clip.withUnsafeMutableValues { out in
            for (t, frame) in frames.prefix(length).enumerated() {
                for (m, body) in frame.bodies.prefix(maxBodies).enumerated() {
                    for (v, joint) in body.joints.prefix(jointCount).enumerated() {
                        out[((0 * length + t) * jointCount + v) * maxBodies + m] = joint.x
                        out[((1 * length + t) * jointCount + v) * maxBodies + m] = joint.y
                        out[((2 * length + t) * jointCount + v) * maxBodies + m] = joint.z
                    }
                }
            }
        }
        return clip
    }

    /// The largest number of bodies in any frame.
    public var maxBodyCount: Int { frames.map(\.bodies.count).max() ?? 0 }
}

/// One frame of an NTU RGB+D `.skeleton` file.
public struct NTUSkeletonFrame: Sendable, Hashable {
    /// The tracked bodies, in file order (possibly none).
    public var bodies: [NTUSkeletonBody]

    /// Creates a frame.
    public init(bodies: [NTUSkeletonBody]) { self.bodies = bodies }
}

/// One body of one frame of an NTU RGB+D `.skeleton` file.
public struct NTUSkeletonBody: Sendable, Hashable {
    /// The Kinect tracking id (exceeds 32 bits).
    public var bodyID: UInt64
    /// `clipedEdges` (sic, the SDK's name).
    public var clippedEdges: Int
    /// `handLeftConfidence`.
    public var handLeftConfidence: Int
    /// `handLeftState`.
    public var handLeftState: Int
    /// `handRightConfidence`.
    public var handRightConfidence: Int
    /// `handRightState`.
    public var handRightState: Int
    /// `isRestricted`.
    public var isRestricted: Int
    /// `leanX`.
    public var leanX: Float
    /// `leanY`.
    public var leanY: Float
    /// The body's `trackingState`.
    public var trackingState: Int
    /// The joints (25 in NTU files), in Kinect v2 order (the `ntu-rgb+d` layout).
    public var joints: [NTUSkeletonJoint]

    /// Creates a body record.
    public init(bodyID: UInt64, clippedEdges: Int = 0, handLeftConfidence: Int = 0, handLeftState: Int = 0,
                handRightConfidence: Int = 0, handRightState: Int = 0, isRestricted: Int = 0,
                leanX: Float = 0, leanY: Float = 0, trackingState: Int = 2, joints: [NTUSkeletonJoint]) {
        self.bodyID = bodyID
        self.clippedEdges = clippedEdges
        self.handLeftConfidence = handLeftConfidence
        self.handLeftState = handLeftState
        self.handRightConfidence = handRightConfidence
        self.handRightState = handRightState
        self.isRestricted = isRestricted
        self.leanX = leanX
        self.leanY = leanY
        self.trackingState = trackingState
        self.joints = joints
    }
}

/// One joint record (12 values) of an NTU RGB+D `.skeleton` file.
public struct NTUSkeletonJoint: Sendable, Hashable {
    /// Camera-space position in metres.
    public var x: Float, y: Float, z: Float
    /// Position in the depth image (pixels).
    public var depthX: Float, depthY: Float
    /// Position in the colour image (pixels).
    public var colorX: Float, colorY: Float
    /// Joint orientation quaternion.
    public var orientationW: Float, orientationX: Float, orientationY: Float, orientationZ: Float
    /// 0 not tracked, 1 inferred, 2 tracked.
    public var trackingState: Int

    /// The names of the 11 floating-point fields, in file order.
    static let fieldNames = ["x", "y", "z", "depthX", "depthY", "colorX", "colorY",
                             "orientationW", "orientationX", "orientationY", "orientationZ"]

    /// Creates a joint record.
    public init(x: Float, y: Float, z: Float, depthX: Float = 0, depthY: Float = 0, colorX: Float = 0, colorY: Float = 0,
                orientationW: Float = 0, orientationX: Float = 0, orientationY: Float = 0, orientationZ: Float = 0,
                trackingState: Int = 2) {
        self.x = x; self.y = y; self.z = z
        self.depthX = depthX; self.depthY = depthY
        self.colorX = colorX; self.colorY = colorY
        self.orientationW = orientationW; self.orientationX = orientationX
        self.orientationY = orientationY; self.orientationZ = orientationZ
        self.trackingState = trackingState
    }
}
