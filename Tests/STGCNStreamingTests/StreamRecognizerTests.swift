import XCTest
import SkeletonData
import SkeletonGraph
import STGCNModel
import STGCNTensor
@testable import STGCNStreaming

final class StreamRecognizerTests: XCTestCase {
    static let classes = 13

    /// A freshly initialised (seeded) openpose-layout model: the Kinetics architecture.
    func openposeModel() throws -> STGCNNetwork {
        let model = try STGCNNetwork(configuration: ModelConfiguration(classCount: Self.classes, layout: .openpose, strategy: .spatial))
        model.initializeWeights(seed: 3)
        return model
    }

    /// A short version of the demo: three people, entering and leaving, no ids.
    func shortRecording() throws -> [PoseFrame] {
        try DemoRecording.frames(cast: [
            .init(action: 0, firstFrame: 0, frameCount: 30, offset: -0.25),
            .init(action: 2, firstFrame: 5, frameCount: 31, offset: 0.05),
            .init(action: 1, firstFrame: 14, frameCount: 9, offset: 0.3),
        ])
    }

    func converter() throws -> KeypointConverter {
        try KeypointConverter(input: .coco17, model: .openpose, inputChannels: 3,
                              imageSize: (DemoRecording.imageSize.width, DemoRecording.imageSize.height))
    }

    func testPersonSlotsMeetOnlyInTheMeanBeforeTheClassifier() throws {
        let model = try openposeModel()
        var generator = SeededGenerator(seed: 5)
        let (t, v) = (12, 18)
        var two = Tensor(shape: [1, 3, t, v, 2])
        for i in 0..<two.count { two.scalars[i] = generator.nextUniform() - 0.5 }
        var first = Tensor(shape: [2, 3, t, v, 1])
        for c in 0..<3 { for f in 0..<t { for j in 0..<v { for m in 0..<2 {
            first.scalars[m * 3 * t * v + (c * t + f) * v + j] = two.scalars[((c * t + f) * v + j) * 2 + m]
        } } } }
        let joint = model.infer(two).scalars
        let alone = model.infer(first).scalars
        for k in 0..<Self.classes {
            XCTAssertEqual(joint[k], (alone[k] + alone[Self.classes + k]) / 2, accuracy: 1e-5 * max(1, abs(joint[k])))
        }
    }

    /// Every prediction the stream makes equals the model on the offline window (M = 2 clip).
    func testStreamEqualsOfflineWindowAtEveryPrediction() throws {
        let model = try openposeModel()
        let poses = try shortRecording()
        var settings = StreamSettings(window: 16, hop: 4, persons: 2, tracker: .standard(threeDimensional: false))
        settings.staggerPersons = false
        let stream = try StreamRecognizer(model: model, converter: try converter(), settings: settings)
        var predictions: [StreamPrediction] = []
        for pose in poses { predictions += stream.process(pose) }
        let recording = TrackedRecording(poses: poses, tracking: FrameTracking(converter: try converter(), tracker: settings.tracker))
        XCTAssertEqual(recording.personIDs, [1, 2, 3])
        XCTAssertEqual(Set(predictions.map(\.person)), [1, 2, 3])
        XCTAssertTrue(predictions.contains { $0.partners.isEmpty }, "someone alone (padded slot)")
        XCTAssertTrue(predictions.contains { !$0.partners.isEmpty }, "someone with a partner")
        XCTAssertTrue(predictions.contains { $0.windowStart > 0 && $0.windowFrames == 16 }, "a full window that slid")
        XCTAssertTrue(predictions.contains { $0.windowFrames < 16 }, "a padded window")
        XCTAssertEqual(predictions.count, 1 + 2 + 2 + 3 + 3 + 2 + 2 + 1 + 1, "rounds at frames 3, 7, …, 35; persons present then")
        XCTAssertGreaterThan(stream.reuseCounts.reused, 0, "slid windows reused block outputs")
        try assertEqualsOffline(predictions, recording: recording, model: model)
    }

    /// Each prediction equals the model on the recording's M = 2 clip of window 16 ending there.
    func assertEqualsOffline(_ predictions: [StreamPrediction], recording: TrackedRecording, model: STGCNNetwork,
                             window length: Int = 16, file: StaticString = #filePath, line: UInt = #line) throws {
        for prediction in predictions {
            let window = try XCTUnwrap(recording.clip(person: prediction.person, endingAt: prediction.index, window: length, persons: 2))
            XCTAssertEqual(window.start, prediction.windowStart, file: file, line: line)
            XCTAssertEqual(window.partners, prediction.partners, file: file, line: line)
            let offline = model.infer(Tensor(shape: [1] + window.clip.shape, scalars: window.clip.values)).scalars
            for k in 0..<Self.classes {
                XCTAssertEqual(prediction.logits[k], offline[k], accuracy: 2e-5 * max(1, abs(offline[k])),
                               "frame \(prediction.index) person \(prediction.person) class \(k)", file: file, line: line)
            }
            XCTAssertEqual(prediction.probabilities.reduce(0, +), 1, accuracy: 1e-4, file: file, line: line)
        }
    }

    /// The short recording streamed with `--stagger` (window 16, hop 4, M = 2) and at most
    /// `personsPerPhase` persons per phase: the phases each person was predicted on, after
    /// checking that every prediction equals the model on the offline window ending there,
    /// partners' windows included.
    /// A person's first slides (the first windows whose start moved) are prepared hops before
    /// their round, one window every few free frames, not only on the free frame after the round
    /// before, where a crowd that appeared together ran all of them at once (with the NTU model,
    /// blocks 8–10 whole for each; the README's stream speed section measures it). Every
    /// prediction still equals the offline window, and without the setting nothing is prepared
    /// on those other frames.
    func testFirstSlidesArePreparedEarlyOneWindowAtATime() throws {
        // A 5-frame kernel keeps the receptive field (89 frames) short enough for a 56-frame
        // window in a debug build's time.
        let model = try STGCNNetwork(configuration: ModelConfiguration(classCount: Self.classes, layout: .openpose, temporalKernelSize: 5))
        model.initializeWeights(seed: 3)
        let (window, hop) = (56, 6)
        let crowd = try StreamBenchmark.crowd(persons: 3, frameCount: window + 4 * hop, modelLayout: "openpose")
        let converter = try KeypointConverter(input: crowd.layout, model: .openpose, inputChannels: 3, imageSize: (1000, 1000))
        /// The predictions, and the frames other than the first after a round on which block outputs were computed.
        func run(early: Bool) throws -> (predictions: [StreamPrediction], otherFrames: [Int]) {
            var settings = StreamSettings(window: window, hop: hop, persons: 2, tracker: .standard(threeDimensional: false))
            settings.staggerPersons = false
            settings.prepareFirstSlidesEarly = early
            let stream = try StreamRecognizer(model: model, converter: converter, settings: settings)
            var (predictions, otherFrames) = ([StreamPrediction](), [Int]())
            for (index, frame) in crowd.frames.enumerated() {
                let before = stream.reuseCounts.computed
                let made = stream.process(frame)
                if made.isEmpty, index % hop != 0, stream.reuseCounts.computed > before { otherFrames.append(index) }
                predictions += made
            }
            return (predictions, otherFrames)
        }
        let (early, late) = (try run(early: true), try run(early: false))
        XCTAssertTrue(early.predictions.contains { $0.windowStart > 0 }, "windows slid")
        XCTAssertEqual(early.predictions.count, late.predictions.count)
        let recording = TrackedRecording(poses: crowd.frames, tracking: FrameTracking(converter: converter, tracker: .standard(threeDimensional: false)))
        try assertEqualsOffline(early.predictions, recording: recording, model: model, window: window)
        XCTAssertEqual(late.otherFrames, [], "prepared on the frame after each round only")
        XCTAssertGreaterThanOrEqual(early.otherFrames.count, 3, "the three persons' first slides, one window per frame: \(early.otherFrames)")
        XCTAssertTrue(early.otherFrames.allSatisfy { $0 < window }, "before the first slide's round: \(early.otherFrames)")
    }

    /// The benchmark keeps one latency, one wait and one CPU time per prediction round; a paced
    /// run's wait is part of its latency, and a round used some CPU.
    func testBenchmarkRecordsEachRoundsLatencyWaitAndCPUTime() throws {
        let model = try openposeModel()
        var settings = StreamSettings(window: 8, hop: 4, persons: 2, tracker: .standard(threeDimensional: false))
        settings.staggerPersons = false
        let stream = try StreamRecognizer(model: model, converter: try converter(), settings: settings)
        let poses = Array(try shortRecording().prefix(24))
        let result = StreamBenchmark.run(stream, frames: poses, persons: 2, pace: 200)
        XCTAssertEqual(result.frames, 16)
        XCTAssertEqual(result.roundLatencies.count, 4, "frames 11, 15, 19 and 23 end rounds")
        XCTAssertEqual(result.roundWaits.count, result.roundLatencies.count)
        XCTAssertEqual(result.roundCPUTimes.count, result.roundLatencies.count)
        for (latency, wait) in zip(result.roundLatencies, result.roundWaits) {
            XCTAssertGreaterThanOrEqual(wait, 0)
            XCTAssertLessThanOrEqual(wait, latency)
        }
        XCTAssertGreaterThan(result.roundCPUTimes.reduce(0, +), 0)
        let later = StreamBenchmark.run(try StreamRecognizer(model: model, converter: try converter(), settings: settings),
                                        frames: poses, persons: 2, warmUp: 13)
        XCTAssertEqual(later.frames, 11, "the first 13 frames untimed")
        XCTAssertEqual(later.roundLatencies.count, 3, "frames 15, 19 and 23")
        XCTAssertEqual(later.roundWaits, [0, 0, 0], "unpaced: no waiting")
    }

    private func staggeredPhases(personsPerPhase: Int) throws -> (phases: [Int: Set<Int>], predictions: [StreamPrediction], reused: Int) {
        let model = try openposeModel()
        let poses = try shortRecording()
        var settings = StreamSettings(window: 16, hop: 4, persons: 2, tracker: .standard(threeDimensional: false))
        settings.staggerPersons = true
        settings.personsPerPhase = personsPerPhase
        let stream = try StreamRecognizer(model: model, converter: try converter(), settings: settings)
        var predictions: [StreamPrediction] = []
        for pose in poses { predictions += stream.process(pose) }
        let recording = TrackedRecording(poses: poses, tracking: FrameTracking(converter: try converter(), tracker: settings.tracker))
        try assertEqualsOffline(predictions, recording: recording, model: model)
        var phases: [Int: Set<Int>] = [:]
        for prediction in predictions { phases[prediction.person, default: []].insert((prediction.index + 1) % 4) }
        return (phases, predictions, stream.reuseCounts.reused)
    }

    /// Staggered persons, one per phase: each is predicted every hop frames on its own phase
    /// (newcomers take the least used phase, far from the others) and equals offline.
    func testStaggeredPersonsKeepTheirPhaseAndEqualOffline() throws {
        let run = try staggeredPhases(personsPerPhase: 1)
        XCTAssertEqual(run.phases, [1: [0], 2: [2], 3: [1]], "one phase per person: 0, then the farthest (2), then the nearest free one")
        XCTAssertGreaterThan(run.reused, 0)
        XCTAssertTrue(run.predictions.contains { !$0.partners.isEmpty }, "someone with a partner")
    }

    /// The default schedule staggers persons only once they outgrow a phase: with room for the
    /// whole crowd in one phase it predicts exactly what `staggerPersons = false` predicts, on
    /// the same frames (and the same logits: both equal offline).
    func testDefaultScheduleIsOneFrameWhileTheCrowdFitsAPhase() throws {
        let model = try openposeModel()
        let poses = try shortRecording()
        XCTAssertTrue(StreamSettings(tracker: .standard(threeDimensional: false)).staggerPersons, "staggered by default")
        func predictions(stagger: Bool) throws -> [StreamPrediction] {
            var settings = StreamSettings(window: 16, hop: 4, persons: 2, tracker: .standard(threeDimensional: false))
            settings.staggerPersons = stagger
            settings.personsPerPhase = 3
            let stream = try StreamRecognizer(model: model, converter: try converter(), settings: settings)
            return poses.flatMap { stream.process($0) }
        }
        let aligned = try predictions(stagger: false), staggered = try predictions(stagger: true)
        XCTAssertEqual(staggered.map { [$0.index, $0.person] }, aligned.map { [$0.index, $0.person] })
        XCTAssertEqual(Set(aligned.map { ($0.index + 1) % 4 }), [0])
        for (a, b) in zip(aligned, staggered) {
            for k in 0..<Self.classes { XCTAssertEqual(a.logits[k], b.logits[k], accuracy: 1e-5 * max(1, abs(a.logits[k]))) }
        }
    }

    /// Staggered persons packed into phases (`personsPerPhase` 2): the second person joins the
    /// first one's phase, the third opens the farthest one; predictions still equal offline.
    /// The automatic capacity is the workers for one-person models and twice the workers otherwise.
    func testStaggeredPersonsShareAPhaseUpToItsCapacity() throws {
        let run = try staggeredPhases(personsPerPhase: 2)
        XCTAssertEqual(run.phases, [1: [0], 2: [0], 3: [2]], "persons 1 and 2 share phase 0; person 3 opens the farthest")
        let tracker = PersonTracker.Settings.standard(threeDimensional: false)
        XCTAssertEqual(StreamSettings(window: 16, hop: 4, persons: 2, tracker: tracker).automaticPersonsPerPhase(workers: 2), 4)
        XCTAssertEqual(StreamSettings(window: 16, hop: 4, persons: 1, tracker: tracker).automaticPersonsPerPhase(workers: 2), 2)
    }

    func testEmptyFramesAndPersonsWithoutJointsAreNotErrors() throws {
        let model = try openposeModel()
        let settings = StreamSettings(window: 8, hop: 2, persons: 2, tracker: .standard(threeDimensional: false))
        let stream = try StreamRecognizer(model: model, converter: try converter(), settings: settings)
        let nobody = PoseFrame(frame: 0, persons: [])
        let ghost = PoseFrame(frame: 1, persons: [PosePerson(keypoints: [Double](repeating: 0, count: 51))])
        XCTAssertEqual(stream.process(nobody).count, 0)
        XCTAssertEqual(stream.process(ghost).count, 0, "a person with every joint missing is nobody")
        XCTAssertTrue(stream.tracks.isEmpty)
    }

    func testSettingsAndLayoutMismatchAreTypedErrors() throws {
        let model = try openposeModel()
        XCTAssertThrowsError(try StreamRecognizer(model: model, converter: try converter(),
                                                  settings: StreamSettings(window: 0, hop: 1, tracker: .standard(threeDimensional: false))))
        XCTAssertThrowsError(try StreamRecognizer(model: model, converter: try converter(),
                                                  settings: StreamSettings(window: 8, hop: 0, tracker: .standard(threeDimensional: false))))
        let coco = try KeypointConverter(input: .coco17, model: .coco, inputChannels: 3, imageSize: (10, 10))
        XCTAssertThrowsError(try StreamRecognizer(model: model, converter: coco, settings: StreamSettings(tracker: .standard(threeDimensional: false)))) { error in
            XCTAssertTrue("\(error)".contains("the model's layout is openpose"), "\(error)")
        }
    }
}
