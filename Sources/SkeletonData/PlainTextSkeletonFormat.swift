import Foundation

/// How a plain-text skeleton sequence is laid out: whitespace-separated numbers, one joint
/// per line or one frame per line, with a user-chosen joint count.
public struct PlainTextSkeletonFormat: Sendable, Hashable {
    /// Where the numbers of one frame are.
    public enum Arrangement: Sendable, Hashable {
        /// `jointCount` consecutive lines make a frame; each line holds one joint's values.
        case jointPerLine
        /// One line per frame: `leadingColumns` numbers (e.g. a frame id), then every joint's values.
        case framePerLine(leadingColumns: Int)
    }

    /// The arrangement.
    public var arrangement: Arrangement
    /// Joints per frame (V).
    public var jointCount: Int
    /// Numbers per joint in the file.
    public var valuesPerJoint: Int
    /// How many of a joint's leading numbers are coordinates (the clip's channels, e.g. 3 for
    /// x y z); the rest are kept as `extraValues` (e.g. a confidence).
    public var coordinateCount: Int

    /// Creates a format.
    /// - Throws: `SkeletonDataError.invalidArgument` for non-positive counts or
    ///   `coordinateCount > valuesPerJoint`.
    public init(arrangement: Arrangement, jointCount: Int, valuesPerJoint: Int, coordinateCount: Int) throws(SkeletonDataError) {
        guard jointCount >= 1, jointCount <= 10_000 else { throw .invalidArgument(name: "jointCount", value: "\(jointCount)", expected: "1...10000") }
        guard valuesPerJoint >= 1, valuesPerJoint <= 64 else { throw .invalidArgument(name: "valuesPerJoint", value: "\(valuesPerJoint)", expected: "1...64") }
        guard coordinateCount >= 1, coordinateCount <= valuesPerJoint else {
            throw .invalidArgument(name: "coordinateCount", value: "\(coordinateCount)", expected: "1...\(valuesPerJoint) (valuesPerJoint)")
        }
        if case let .framePerLine(leading) = arrangement, leading < 0 || leading > 64 {
            throw .invalidArgument(name: "leadingColumns", value: "\(leading)", expected: "0...64")
        }
        self.arrangement = arrangement
        self.jointCount = jointCount
        self.valuesPerJoint = valuesPerJoint
        self.coordinateCount = coordinateCount
    }

    private init(unchecked arrangement: Arrangement, jointCount: Int, valuesPerJoint: Int, coordinateCount: Int) {
        self.arrangement = arrangement
        self.jointCount = jointCount
        self.valuesPerJoint = valuesPerJoint
        self.coordinateCount = coordinateCount
    }

    /// MSR Action3D `aXX_sYY_eZZ_skeleton3D.txt`: 20 lines a frame, `x y z confidence`
    /// (layout `SkeletonLayout.msrAction3D`).
    public static let msrAction3D = PlainTextSkeletonFormat(unchecked: .jointPerLine, jointCount: 20, valuesPerJoint: 4, coordinateCount: 3)

    /// UTKinect-Action3D `joints_sXX_eYY.txt`: a row is the frame id then 20 × `x y z`
    /// (layout `SkeletonLayout.kinectV1`).
    public static let utKinect = PlainTextSkeletonFormat(unchecked: .framePerLine(leadingColumns: 1), jointCount: 20, valuesPerJoint: 3, coordinateCount: 3)
}

/// A plain-text skeleton sequence read with a `PlainTextSkeletonFormat` (one person).
public struct PlainTextSkeletonSequence: Sendable, Hashable {
    /// The coordinates: (coordinateCount, T, V, 1).
    public var clip: SkeletonClip
    /// Each frame's leading columns (e.g. frame ids), (T, leadingColumns); empty for `jointPerLine`.
    public var leadingValues: [[Double]]
    /// The joint values after the coordinates, (T, V, valuesPerJoint − coordinateCount) row-major
    /// (MSR Action3D: the confidence).
    public var extraValues: [Float]
    /// How many NaN/infinite values `NonFinitePolicy.replaceWithZero` replaced.
    public var replacedNonFiniteValues: Int
    /// Where the sequence came from.
    public var source: String

    /// Reads a file.
    /// - Throws: `SkeletonDataError` naming the file, line and field: non-numeric or
    ///   non-finite values, a wrong number of values on a line, a truncated last frame, or an
    ///   empty file.
    public init(contentsOf url: URL, format: PlainTextSkeletonFormat, nonFinite: NonFinitePolicy = .reject) throws(SkeletonDataError) {
        try self.init(bytes: try FileBytes.read(url.path), source: url.path, format: format, nonFinite: nonFinite)
    }

    /// Parses a file's bytes; `source` names it in errors.
    public init(bytes: [UInt8], source: String, format: PlainTextSkeletonFormat, nonFinite: NonFinitePolicy = .reject) throws(SkeletonDataError) {
        var scanner = TextScanner(bytes: bytes, file: source)
        var filter = NonFiniteFilter(nonFinite, file: source)
        var tokens: [Range<Int>] = []
        let v = format.jointCount, perJoint = format.valuesPerJoint, coordinates = format.coordinateCount
        var frameValues: [Float] = []  // (T, V, C) while reading
        var extras: [Float] = []
        var leading: [[Double]] = []
        var frames = 0

        func store(_ token: Range<Int>, frame: Int, joint: Int, k: Int) throws(SkeletonDataError) {
            let field = "frame \(frame), joint \(joint), value \(k)"
            let raw = try scanner.requireDouble(token, field: field)
            let value = Float(try filter.check(raw, line: scanner.currentLine, field: field))
            if k < coordinates { frameValues.append(value) } else { extras.append(value) }
        }

        switch format.arrangement {
        case .jointPerLine:
            var joint = 0
            var frameStartLine = 0
            while scanner.nextLine(into: &tokens) {
                if joint == 0 { frameStartLine = scanner.currentLine }
                guard tokens.count == perJoint else {
                    throw .malformed(file: source, line: scanner.currentLine, field: "frame \(frames), joint \(joint)",
                                     expected: "\(perJoint) values on the line", found: "\(tokens.count)")
                }
                for k in 0..<perJoint { try store(tokens[k], frame: frames, joint: joint, k: k) }
                joint += 1
                if joint == v { joint = 0; frames += 1 }
            }
            if joint != 0 {
                throw .malformed(file: source, line: scanner.endLine, field: "frame \(frames) (from line \(frameStartLine))",
                                 expected: "\(v) joint lines per frame (a truncated file?)", found: "\(joint)")
            }
        case let .framePerLine(leadingColumns):
            let expectedTokens = leadingColumns + v * perJoint
            while scanner.nextLine(into: &tokens) {
                guard tokens.count == expectedTokens else {
                    throw .malformed(file: source, line: scanner.currentLine, field: "frame \(frames)",
                                     expected: "\(expectedTokens) values (\(leadingColumns) leading + \(v) joints × \(perJoint))",
                                     found: "\(tokens.count)")
                }
                var row: [Double] = []
                for k in 0..<leadingColumns {
                    let raw = try scanner.requireDouble(tokens[k], field: "frame \(frames), column \(k)")
                    row.append(try filter.check(raw, line: scanner.currentLine, field: "frame \(frames), column \(k)"))
                }
                leading.append(row)
                for joint in 0..<v {
                    for k in 0..<perJoint {
                        try store(tokens[leadingColumns + joint * perJoint + k], frame: frames, joint: joint, k: k)
                    }
                }
                frames += 1
            }
        }
        guard frames > 0 else {
            throw .empty(file: source, expected: "at least one frame of \(v) joints")
        }
        var clip = SkeletonClip(channels: coordinates, frames: frames, joints: v, persons: 1)
        clip.withUnsafeMutableValues { out in
            for t in 0..<frames {
                for j in 0..<v {
                    for c in 0..<coordinates { out[(c * frames + t) * v + j] = frameValues[(t * v + j) * coordinates + c] }
                }
            }
        }
        self.clip = clip
        self.leadingValues = leading
        self.extraValues = extras
        self.replacedNonFiniteValues = filter.replaced
        self.source = source
    }
}
