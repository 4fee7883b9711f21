/// Gives every person in a stream of frames a stable id: the producer's id when it sends one,
/// otherwise the id of the nearest live track.
///
/// Matching (persons without an id): the distance between a detection and a track is the mean
/// Euclidean distance over the joints present in both (x, y for 2-D layouts, x, y, z for 3-D),
/// against the track's last seen skeleton; pairs are taken greedily, nearest first, each track
/// and detection at most once, up to `maximumDistance`. A detection left over starts a new
/// track. A track not seen for more than `timeoutFrames` frames is dropped and its id is never
/// given again. Deterministic: ties go to the lower track id, then to the earlier detection.
public struct PersonTracker: Sendable {
    /// Tracker settings.
    public struct Settings: Sendable, Hashable {
        /// Largest matching distance, in the model's units (image fractions for 2-D layouts,
        /// metres for 3-D ones).
        public var maximumDistance: Double
        /// Frames a track may go unseen before it is dropped.
        public var timeoutFrames: Int

        /// Creates settings.
        public init(maximumDistance: Double, timeoutFrames: Int) {
            self.maximumDistance = maximumDistance
            self.timeoutFrames = timeoutFrames
        }

        /// Defaults: a quarter of the image (2-D) or half a metre (3-D), one second at 30 fps.
        public static func standard(threeDimensional: Bool) -> Settings {
            Settings(maximumDistance: threeDimensional ? 0.5 : 0.25, timeoutFrames: 30)
        }
    }

    /// One live track.
    public struct Track: Sendable, Hashable {
        /// The track's id.
        public var id: Int
        /// The frame (stream index) it was first seen in.
        public var firstSeen: Int
        /// The frame it was last seen in.
        public var lastSeen: Int
        /// Its skeleton then, `(C, V)` channel-major.
        public var skeleton: [Float]
    }

    /// The settings.
    public let settings: Settings
    /// Joints per skeleton.
    public let jointCount: Int
    /// True when the third channel is z (all three channels are coordinates).
    public let threeDimensional: Bool
    /// The live tracks, by id.
    public private(set) var tracks: [Int: Track] = [:]
    private var nextID = 1
    private var usedIDs: Set<Int> = []

    /// Creates a tracker for `(3, jointCount)` skeletons.
    public init(settings: Settings, jointCount: Int, threeDimensional: Bool) {
        self.settings = settings
        self.jointCount = jointCount
        self.threeDimensional = threeDimensional
    }

    /// Assigns ids to the detections of frame `index` (each `(id, skeleton)`, skeletons
    /// `(3, V)` channel-major with at least one joint present), updates the tracks, drops the
    /// ones that timed out, and returns the ids in detection order.
    public mutating func update(_ detections: [(id: Int?, skeleton: [Float])], at index: Int) -> [Int] {
        var assigned = [Int?](repeating: nil, count: detections.count)
        var claimed: Set<Int> = []
        for (d, detection) in detections.enumerated() {
            if let id = detection.id, !claimed.contains(id) {
                assigned[d] = id
                claimed.insert(id)
                usedIDs.insert(id)
            }
        }
        var pairs: [(distance: Double, track: Int, detection: Int)] = []
        for (d, detection) in detections.enumerated() where assigned[d] == nil {
            for (id, track) in tracks where !claimed.contains(id) {
                let distance = distance(detection.skeleton, track.skeleton)
                if distance <= settings.maximumDistance { pairs.append((distance, id, d)) }
            }
        }
        pairs.sort { ($0.distance, $0.track, $0.detection) < ($1.distance, $1.track, $1.detection) }
        for pair in pairs where assigned[pair.detection] == nil && !claimed.contains(pair.track) {
            assigned[pair.detection] = pair.track
            claimed.insert(pair.track)
        }
        var ids: [Int] = []
        ids.reserveCapacity(detections.count)
        for (d, detection) in detections.enumerated() {
            let id: Int
            if let given = assigned[d] {
                id = given
            } else {
                while usedIDs.contains(nextID) { nextID += 1 }
                id = nextID
                usedIDs.insert(id)
            }
            if var track = tracks[id] {
                track.lastSeen = index
                track.skeleton = detection.skeleton
                tracks[id] = track
            } else {
                tracks[id] = Track(id: id, firstSeen: index, lastSeen: index, skeleton: detection.skeleton)
            }
            ids.append(id)
        }
        for (id, track) in tracks where index - track.lastSeen > settings.timeoutFrames {
            tracks[id] = nil
        }
        return ids
    }

    /// Mean distance over the joints present in both skeletons; infinity when none is.
    func distance(_ a: [Float], _ b: [Float]) -> Double {
        let v = jointCount
        var sum = 0.0, count = 0
        for joint in 0..<v {
            let presentA: Bool, presentB: Bool
            if threeDimensional {
                presentA = a[joint] != 0 || a[v + joint] != 0 || a[2 * v + joint] != 0
                presentB = b[joint] != 0 || b[v + joint] != 0 || b[2 * v + joint] != 0
            } else {
                presentA = a[2 * v + joint] > 0
                presentB = b[2 * v + joint] > 0
            }
            guard presentA && presentB else { continue }
            let dx = Double(a[joint] - b[joint]), dy = Double(a[v + joint] - b[v + joint])
            let dz = threeDimensional ? Double(a[2 * v + joint] - b[2 * v + joint]) : 0
            sum += (dx * dx + dy * dy + dz * dz).squareRoot()
            count += 1
        }
        return count == 0 ? .infinity : sum / Double(count)
    }
}
