extension OpenPoseNormalization {
    /// One 2-D keypoint `(x, y, score)` normalised as this value says: for `.imageSize` x / W
    /// and y / H and, when `centered`, −0.5 on both, with x = y = 0 where the score is 0 (the
    /// official Kinetics pipeline). `.none` returns the keypoint unchanged.
    @inlinable
    public func normalized(x: Double, y: Double, score: Double) -> (x: Double, y: Double, score: Double) {
        guard case let .imageSize(width, height, centered) = self else { return (x, y, score) }
        var x = x / width, y = y / height
        if centered {
            if score == 0 { x = 0; y = 0 } else { x -= 0.5; y -= 0.5 }
        }
        return (x, y, score)
    }
}
