import Foundation
import SkeletonData
import STGCNModel
import STGCNTensor

/// Live recognition: frames of keypoints in, one prediction per present person every `hop`
/// frames out (all on the same frame, or each person on its own phase:
/// `StreamSettings.staggerPersons`), each equal (to float rounding) to the model run offline on that person's
/// window (`TrackedRecording.clip`).
///
/// Per frame: layout mapping, normalisation and tracking (`FrameTracking`), then the frame goes
/// into a ring of the last W frames. Every `hop` frames each person present in the frame gets
/// a clip: its own frames since it was first seen (at most W), zero-padded to W, plus the
/// M − 1 most relevant other persons over the same frames (`PersonRelevance`).
///
/// Computation reused, with the same answer: ST-GCN runs every person slot separately until
/// the mean over persons just before the affine 1×1 classifier, so the logits of an M-person
/// clip are the mean of the logits of its persons run alone. A round therefore runs each
/// distinct (person, window start) once, however many clips it appears in, and the all-zero
/// person of padded slots once per stream. With five persons present and M = 2 that is five
/// one-person windows per round instead of five two-person clips (half the work). For plain
/// ST-GCN models each person's window also reuses the block outputs of that person's previous
/// window (`SlidingWindowEvaluator`; `StreamSettings.reuseOverlappingWindows`), and on the
/// frames between rounds the windows of the next round are prepared ahead on the frames that have
/// arrived (`StreamSettings.prepareAhead`), so a round itself computes only each window's right
/// edge.
public final class StreamRecognizer {
    /// The settings.
    public let settings: StreamSettings
    /// The model (evaluation mode).
    public let model: any ActionRecognitionModel
    private var tracking: FrameTracking
    private var ring: [TrackedFrame?]
    /// The frame each person was first seen in (kept for the stream's life: a few bytes per person).
    private var firstSeen: [Int: Int] = [:]
    /// Each live person's phase within the hop (`StreamSettings.staggerPersons`; 0 otherwise).
    private var phases: [Int: Int] = [:]
    private var zeroLogits: [Float]?
    /// One per tracked person whose window was run (plain ST-GCN models).
    private var evaluators: [Int: SlidingWindowEvaluator] = [:]
    private let reusable: STGCNNetwork?
    /// The windows of each person's next round not prepared yet, and the frame that round ends on.
    private var ahead: [WindowKey: Int] = [:]
    /// First slides' windows prepared early (`scheduleAhead`), with the end of their round, and
    /// the frame the latest such window was prepared on.
    private var preparedEarly: [WindowKey: Int] = [:]
    private var lastEarlyPreparation = Int.min / 2

    /// Creates a recognizer.
    /// - Throws: `StreamError` for settings out of range or a converter whose layout or
    ///   channels are not the model's.
    public init(model: any ActionRecognitionModel, converter: KeypointConverter, settings: StreamSettings) throws(StreamError) {
        try settings.validate()
        let configuration = model.configuration
        guard converter.mapping.model.name == configuration.layout.name, converter.jointCount == configuration.layout.jointCount else {
            throw .modelMismatch("the keypoints are mapped onto layout \(converter.mapping.model.name); the model's layout is \(configuration.layout.name)")
        }
        guard configuration.inputChannels == KeypointConverter.channels else {
            throw .modelMismatch("the model takes \(configuration.inputChannels) channels per joint; keypoints give \(KeypointConverter.channels)")
        }
        self.model = model
        self.settings = settings
        self.tracking = FrameTracking(converter: converter, tracker: settings.tracker)
        self.ring = Array(repeating: nil, count: settings.window)
        let network = model as? STGCNNetwork
        self.reusable = settings.reuseOverlappingWindows && network.flatMap { SlidingWindowEvaluator(network: $0) } != nil ? network : nil
    }

    /// Block output positions copied from previous windows, and computed, over the stream so far
    /// (both 0 when windows are not reused).
    public var reuseCounts: (reused: Int, computed: Int) {
        (evaluatorTotals.reused + evaluators.values.reduce(0) { $0 + $1.reusedPositions },
                evaluatorTotals.computed + evaluators.values.reduce(0) { $0 + $1.computedPositions })
    }
    private var evaluatorTotals = (reused: 0, computed: 0)

    /// The live tracks.
    public var tracks: [Int: PersonTracker.Track] { tracking.tracker.tracks }

    /// Frames processed so far.
    public var frameCount: Int { tracking.nextIndex }

    /// Takes the next frame; returns the predictions it completes (none on most frames).
    /// - Parameter arrival: when the frame arrived (`DispatchTime.now().uptimeNanoseconds`),
    ///   the start of each prediction's `latency`.
    /// - Precondition: every person has `converter.inputValueCount` keypoint values.
    public func process(_ frame: PoseFrame, arrival: UInt64 = DispatchTime.now().uptimeNanoseconds) -> [StreamPrediction] {
        let tracked = tracking.track(frame)
        let index = tracked.index
        ring[index % settings.window] = tracked
        for person in tracked.persons where firstSeen[person.id] == nil {
            firstSeen[person.id] = index
            if settings.staggerPersons { phases[person.id] = nextPhase(for: person.id) }
        }
        let phase = (index + 1) % settings.hop
        let due = tracked.persons.filter { (phases[$0.id] ?? 0) == phase }
        guard !due.isEmpty else {
            prepareAhead(through: index)
            return []
        }
        return predict(at: tracked, persons: due, arrival: arrival)
    }

    /// Runs the next round's windows on the frames up to `index` (a frame on which nobody is
    /// due), so that the round computes only their right edges: each window once, on the first
    /// such frame after it has started (one window per person per frame, the earliest round's
    /// first, one round per frame), in one group per core.
    /// Once is enough: a window prepared ahead computes only its left edge, which later frames
    /// do not change.
    private func prepareAhead(through index: Int) {
        guard let network = reusable, settings.prepareAhead, !ahead.isEmpty else { return }
        let joints = tracking.converter.jointCount
        let perWindow = KeypointConverter.channels * settings.window * joints
        var windows: [SlidingWindowEvaluator.Window] = []
        var taken = Set<Int>()
        // The earliest round's windows first: a later round's wait for a later free frame, so that
        // a frame processed late (after a long round) does not make the next round wait for them.
        // A first slide scheduled further ahead (`scheduleAhead`) waits until its lead and goes one
        // window per frame: it is heavy, and a growing window's round already is.
        let due = ahead.filter { $0.value > index && $0.key.start <= index && $0.value - index <= Self.firstSlideLead * settings.hop }
        guard let earliest = due.map(\.value).min() else { return }
        let early = earliest - index > settings.hop
        if early {
            guard index - lastEarlyPreparation >= Self.firstSlideSpacing else { return }
            lastEarlyPreparation = index
        }
        for (key, roundEnd) in ahead.sorted(by: { ($0.key.person, $0.key.start) < ($1.key.person, $1.key.start) }) {
            guard roundEnd == earliest, key.start <= index, !(early && !windows.isEmpty),
                  taken.insert(key.person).inserted else { continue }
            ahead[key] = nil
            if early { preparedEarly[key] = roundEnd }
            guard let evaluator = evaluators[key.person] ?? SlidingWindowEvaluator(network: network) else { return }
            evaluators[key.person] = evaluator
            var input = Tensor(shape: [1, KeypointConverter.channels, settings.window, joints, 1])
            input.scalars.withUnsafeMutableBufferPointer { buffer in
                fill(UnsafeMutableBufferPointer(rebasing: buffer[0..<perWindow]), person: key.person, start: key.start, end: index, joints: joints)
            }
            windows.append(.init(evaluator: evaluator, input: input, start: key.start, frames: index - key.start + 1))
        }
        let groups = min(Parallel.workerCount, windows.count)
        Parallel.forEach(groups) { group, _ in
            SlidingWindowEvaluator.prepare(Array(stride(from: group, to: windows.count, by: groups).map { windows[$0] }))
        }
    }

    /// The phase for a newcomer: the fullest phase with room for one more live person
    /// (`StreamSettings.personsPerPhase`), else the least used, then the farthest (circularly)
    /// from every phase in use, then the lowest. Phases of persons no longer tracked are dropped.
    private func nextPhase(for person: Int) -> Int {
        let live = tracking.tracker.tracks
        phases = phases.filter { live[$0.key] != nil && $0.key != person }
        let hop = settings.hop
        let capacity = settings.personsPerPhase ?? settings.automaticPersonsPerPhase(workers: Parallel.workerCount)
        var counts = [Int](repeating: 0, count: hop)
        for phase in phases.values { counts[phase] += 1 }
        if let open = (0..<hop).filter({ counts[$0] > 0 && counts[$0] < capacity }).min(by: { (-counts[$0], $0) < (-counts[$1], $1) }) {
            return open
        }
        let used = (0..<hop).filter { counts[$0] > 0 }
        func gap(_ p: Int) -> Int {
            used.map { min(abs(p - $0), hop - abs(p - $0)) }.min() ?? hop
        }
        return (0..<hop).min { a, b in
            (counts[a], -gap(a), a) < (counts[b], -gap(b), b)
        } ?? 0
    }

    private struct WindowKey: Hashable {
        var person: Int
        var start: Int
    }

    private func predict(at tracked: TrackedFrame, persons due: [TrackedPerson], arrival: UInt64) -> [StreamPrediction] {
        let end = tracked.index
        let window = settings.window
        let joints = tracking.converter.jointCount
        let threeD = tracking.converter.input.isThreeDimensional
        var requests: [(person: Int, start: Int, partners: [Int])] = []
        var rows: [WindowKey: Int] = [:]
        var keys: [WindowKey] = []
        var needsZero = false
        for person in due {
            let start = max(firstSeen[person.id] ?? end, end - window + 1)
            let span = (start...end).compactMap { ring[$0 % window] }
            let partners = Array(PersonRelevance.ranked(span, excluding: person.id, jointCount: joints,
                                                        threeDimensional: threeD).prefix(settings.persons - 1))
            if partners.count < settings.persons - 1 { needsZero = true }
            for id in [person.id] + partners {
                let key = WindowKey(person: id, start: start)
                if rows[key] == nil {
                    rows[key] = keys.count
                    keys.append(key)
                }
            }
            requests.append((person.id, start, partners))
        }
        let perWindow = KeypointConverter.channels * window * joints
        var input = Tensor(shape: [keys.count, KeypointConverter.channels, window, joints, 1])
        input.scalars.withUnsafeMutableBufferPointer { buffer in
            for (row, key) in keys.enumerated() {
                fill(UnsafeMutableBufferPointer(rebasing: buffer[(row * perWindow)..<((row + 1) * perWindow)]),
                     person: key.person, start: key.start, end: end, joints: joints)
            }
        }
        let logits = reusable == nil ? infer(input) : inferReusing(input, keys: keys, end: end)
        let classes = model.classCount
        if needsZero && zeroLogits == nil {
            zeroLogits = infer(Tensor(shape: [1, KeypointConverter.channels, window, joints, 1])).scalars
        }
        let scale = 1 / Float(settings.persons)
        var predictions: [StreamPrediction] = []
        predictions.reserveCapacity(requests.count)
        for request in requests {
            var mixed = [Float](repeating: 0, count: classes)
            for id in [request.person] + request.partners {
                guard let row = rows[WindowKey(person: id, start: request.start)] else { continue }
                for k in 0..<classes { mixed[k] += logits.scalars[row * classes + k] }
            }
            if let zero = zeroLogits {
                let missing = Float(settings.persons - 1 - request.partners.count)
                if missing > 0 { for k in 0..<classes { mixed[k] += missing * zero[k] } }
            }
            for k in 0..<classes { mixed[k] *= scale }
            let probabilities = CrossEntropy.probabilities(logits: Tensor(shape: [1, classes], scalars: mixed)).scalars
            predictions.append(StreamPrediction(index: end, frame: tracked.frame, time: tracked.time, person: request.person,
                                                partners: request.partners, windowStart: request.start, logits: mixed,
                                                probabilities: probabilities, latency: 0))
        }
        let latency = Double(DispatchTime.now().uptimeNanoseconds &- arrival) / 1e9
        for i in predictions.indices { predictions[i].latency = latency }
        scheduleAhead(after: requests, end: end)
        return predictions
    }

    /// Notes the windows of the next round of persons just predicted (each person's next round
    /// is `hop` frames later; its partners are assumed to stay), dropping those whose round passed.
    ///
    /// A person seen for less than W frames also gets the windows of its first slides noted (the
    /// first rounds whose window starts after the person's first frame), to be prepared up to
    /// `firstSlideLead` hops before they are due instead of one. Their starts are new modulo the
    /// cumulative strides, so the blocks after a stride that the hop does not divide have no
    /// earlier window in phase and run whole once: with the NTU model at hop 10, blocks 8–10 for
    /// the first two slides, and blocks 5–10 for a slide by an odd number of frames (a staggered
    /// phase). After as many slides as the largest stride has residues, every block has one.
    /// Only slides whose start is new modulo the largest stride are noted (at hop 10: 1 of 2
    /// when the person's first frame is in phase with its rounds' starts, else both).
    /// Prepared early, one window every `firstSlideSpacing` free frames, those blocks run on the
    /// frames that have arrived; the round computes its right edge a few hops wider instead.
    private func scheduleAhead(after requests: [(person: Int, start: Int, partners: [Int])], end: Int) {
        guard let network = reusable, settings.prepareAhead else { return }
        ahead = ahead.filter { $0.value > end }
        preparedEarly = preparedEarly.filter { $0.value > end }
        let (hop, window) = (settings.hop, settings.window)
        let roundEnd = end + hop
        let largestStride = network.configuration.blockSchedule.reduce(1) { $0 * $1.stride }
        var gcd = (hop, largestStride)
        while gcd.1 != 0 { gcd = (gcd.1, gcd.0 % gcd.1) }
        let slides = largestStride / gcd.0
        for request in requests {
            let first = firstSeen[request.person] ?? end
            let start = max(first, roundEnd - window + 1)
            for id in [request.person] + request.partners { ahead[WindowKey(person: id, start: start)] = roundEnd }
            guard settings.prepareFirstSlidesEarly, start == first else { continue }
            // The first round after `end` whose window starts after `first`: its end passes first + W − 1.
            let firstSlideEnd = end + hop * ((first + window - end + hop - 1) / hop)
            // Only slides whose start is new modulo the largest stride lack a window in phase.
            func residue(_ start: Int) -> Int { ((start % largestStride) + largestStride) % largestStride }
            var residues: Set = [residue(first)]
            for slideEnd in stride(from: firstSlideEnd, to: firstSlideEnd + slides * hop, by: hop) {
                let slideStart = slideEnd - window + 1
                guard residues.insert(residue(slideStart)).inserted,
                      slideEnd > roundEnd else { continue }
                for id in [request.person] + request.partners {
                    let key = WindowKey(person: id, start: slideStart)
                    if preparedEarly[key] == nil { ahead[key] = slideEnd }
                }
            }
        }
    }

    /// How many hops before it is due a first slide's window is prepared (`scheduleAhead`), and
    /// how many frames apart two such windows are (each runs up to six blocks whole on one core).
    static let firstSlideLead = 8
    static let firstSlideSpacing = 4

    /// Writes person `person`'s `(3, W, V, 1)` window `start...end` (zero elsewhere) into `out`.
    private func fill(_ out: UnsafeMutableBufferPointer<Float>, person: Int, start: Int, end: Int, joints: Int) {
        let window = settings.window
        for index in start...end {
            guard let frame = ring[index % window], frame.index == index, let skeleton = frame.skeleton(of: person) else { continue }
            let t = index - start
            for c in 0..<KeypointConverter.channels {
                let base = (c * window + t) * joints
                for v in 0..<joints { out[base + v] = skeleton[c * joints + v] }
            }
        }
    }

    /// Evaluation logits of each window through its person's `SlidingWindowEvaluator`, the
    /// windows run together in one group per core (`logits(of:)`); evaluators of persons no
    /// longer tracked are dropped.
    private func inferReusing(_ input: Tensor, keys: [WindowKey], end: Int) -> Tensor {
        guard let network = reusable else { return infer(input) }
        let classes = model.classCount
        let perWindow = input.count / max(1, keys.count)
        let present = Set(keys.map(\.person))
        let live = tracking.tracker.tracks
        for (id, evaluator) in evaluators where !present.contains(id) && live[id] == nil {
            evaluatorTotals.reused += evaluator.reusedPositions
            evaluatorTotals.computed += evaluator.computedPositions
            evaluators[id] = nil
        }
        var logits = Tensor(shape: [keys.count, classes])
        // An evaluator takes one window per call: a person's second window (as a partner
        // over another start) goes into a later call.
        var remaining = Array(keys.indices)
        while !remaining.isEmpty {
            var taken = Set<Int>(), rows: [Int] = [], later: [Int] = []
            for row in remaining {
                if taken.insert(keys[row].person).inserted { rows.append(row) } else { later.append(row) }
            }
            var windows: [SlidingWindowEvaluator.Window] = []
            for row in rows {
                let person = keys[row].person
                guard let evaluator = evaluators[person] ?? SlidingWindowEvaluator(network: network) else { return infer(input) }
                evaluators[person] = evaluator
                var shape = input.shape
                shape[0] = 1
                let window = Tensor(shape: shape, scalars: Array(input.scalars[(row * perWindow)..<((row + 1) * perWindow)]))
                windows.append(.init(evaluator: evaluator, input: window, start: keys[row].start, frames: end - keys[row].start + 1))
            }
            let results = Self.logits(of: windows)
            for (row, result) in zip(rows, results) {
                logits.scalars.replaceSubrange((row * classes)..<((row + 1) * classes), with: result)
            }
            remaining = later
        }
        return logits
    }

    /// The windows' logits: one group per worker, run in parallel, each group's windows batched
    /// together block by block (`SlidingWindowEvaluator.logits(_:)`). On 2 cores (NTU model,
    /// window 300, hop 10, windows not prepared ahead) one batch of every window with its layers
    /// split over the cores took 99–105 ms a round for 2 persons and 222 ms for 5; one window per
    /// worker 82–83 ms and 250 ms; these groups 83–87 ms and 220–236 ms. Sharing each block's
    /// pieces out over the cores instead, with one window's edge split between them (2.5 windows
    /// per core instead of 3 and 2), was slower with windows prepared ahead (125–143 ms against
    /// 111–125 ms for 5 persons): a split edge pays the kernel's halo twice, and every block waits
    /// for both cores.
    private static func logits(of windows: [SlidingWindowEvaluator.Window]) -> [[Float]] {
        let groups = min(Parallel.workerCount, windows.count)
        var results = [[Float]](repeating: [], count: windows.count)
        results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            Parallel.forEach(groups) { group, _ in
                let members = Array(stride(from: group, to: windows.count, by: groups))
                for (member, logits) in zip(members, SlidingWindowEvaluator.logits(members.map { windows[$0] })) {
                    out[member] = logits
                }
            }
        }
        return results
    }

    /// Evaluation logits, 16 windows at a time.
    private func infer(_ input: Tensor) -> Tensor {
        let count = input.shape[0]
        if count <= 16 { return model.infer(input) }
        let perSample = input.count / count
        let classes = model.classCount
        var result = Tensor(shape: [count, classes])
        var first = 0
        while first < count {
            let last = min(count, first + 16)
            var shape = input.shape
            shape[0] = last - first
            let chunk = model.infer(Tensor(shape: shape, scalars: Array(input.scalars[(first * perSample)..<(last * perSample)])))
            result.scalars.replaceSubrange((first * classes)..<(last * classes), with: chunk.scalars)
            first = last
        }
        return result
    }
}
