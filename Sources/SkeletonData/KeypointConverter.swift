import SkeletonGraph

/// Turns one person's keypoints in an `InputLayout` into the `(C, V)` joint values a model
/// takes: the joint mapping (`LayoutMapping`), then the normalisation of the official pipeline
/// for the model's layout.
///
/// - 2-D model layouts (the Kinetics model's `openpose`, and `coco`): x / W − 0.5, y / H − 0.5,
///   the score as the third channel, and x = y = score = 0 for a joint whose score is 0 or below
///   `minimumScore` (`OpenPoseNormalization.imageSize(centered: true)`, the same code that reads
///   OpenPose folders). Apple Vision's normalised, y-up points are flipped to image
///   coordinates (x, 1 − y) with W = H = 1.
/// - 3-D model layouts (`ntu-rgb+d`): x, y, z unchanged (the official NTU converter keeps the
///   Kinect's metres); a joint given as `[0, 0, 0]` stays zero.
public struct KeypointConverter: Sendable, Hashable {
    /// The joint table.
    public let mapping: LayoutMapping
    /// The 2-D normalisation (unused for 3-D layouts).
    public let normalization: OpenPoseNormalization
    /// 2-D joints scoring below this count as missing (0: only a zero score, the official rule).
    public let minimumScore: Double

    /// Channels per joint of the result (x, y, score or x, y, z).
    public static let channels = 3

    /// The input layout.
    public var input: InputLayout { mapping.input }
    /// V of the result.
    public var jointCount: Int { mapping.model.jointCount }
    /// Values per person in the input (`input.jointCount` × 3).
    public var inputValueCount: Int { input.jointCount * 3 }

    /// A converter from `input` onto a model with `layout` and `inputChannels`.
    /// - Parameters:
    ///   - imageSize: the video's width and height in pixels; required for 2-D pixel layouts
    ///     (every 2-D layout but `vision19`), ignored otherwise.
    /// - Throws: `LayoutMappingError` when the layouts do not fit, the model does not take 3
    ///   channels, or a needed image size is missing or not positive and finite.
    public init(input: InputLayout, model layout: SkeletonLayout, inputChannels: Int,
                imageSize: (width: Double, height: Double)?, minimumScore: Double = 0) throws(LayoutMappingError) {
        guard inputChannels == Self.channels else { throw .channelMismatch(model: layout.name, channels: inputChannels) }
        mapping = try LayoutMapping(from: input, to: layout)
        if input.isThreeDimensional {
            normalization = .none
        } else if input.isNormalizedWithYUp {
            normalization = .imageSize(width: 1, height: 1, centered: true)
        } else {
            guard let imageSize, imageSize.width > 0, imageSize.height > 0, imageSize.width.isFinite, imageSize.height.isFinite else {
                throw .imageSizeRequired(input: input.rawValue)
            }
            normalization = .imageSize(width: imageSize.width, height: imageSize.height, centered: true)
        }
        self.minimumScore = minimumScore.isFinite ? max(0, minimumScore) : 0
    }

    /// The `(3, V)` values (channel-major: `result[c * V + v]`) of one person whose keypoints
    /// are `keypoints` (`inputValueCount` finite numbers, joint by joint; missing joints zero).
    /// - Precondition: `keypoints.count == inputValueCount` (the line parser checks it).
    public func convert(_ keypoints: [Double]) -> [Float] {
        precondition(keypoints.count == inputValueCount, "KeypointConverter: \(keypoints.count) values, expected \(inputValueCount)")
        let joints = jointCount
        var result = [Float](repeating: 0, count: Self.channels * joints)
        let threeD = input.isThreeDimensional
        var prepared = keypoints
        if !threeD {
            // Low scores count as missing; Vision's y-up points become image coordinates.
            for j in 0..<input.jointCount {
                if prepared[3 * j + 2] < minimumScore { prepared[3 * j + 2] = 0 }
                if input.isNormalizedWithYUp { prepared[3 * j + 1] = 1 - prepared[3 * j + 1] }
            }
        }
        let mapped = mapping.apply(prepared)
        for v in 0..<joints {
            var p = (mapped[3 * v], mapped[3 * v + 1], mapped[3 * v + 2])
            if !threeD {
                if p.2 <= 0 { continue }
                let n = normalization.normalized(x: p.0, y: p.1, score: p.2)
                p = (n.x, n.y, n.score)
            }
            result[v] = Float(p.0)
            result[joints + v] = Float(p.1)
            result[2 * joints + v] = Float(p.2)
        }
        return result
    }
}
