import Foundation
import SkeletonData
import STGCNModel

/// Measures `StreamRecognizer` on a synthetic crowd: `persons` people doing different
/// `SyntheticActions` side by side (1 m apart), sent as `ntu25` keypoints (or as `openpose18`
/// pixels for a 2-D model) without ids, as fast as the recognizer takes them.
///
/// The first `window` frames fill every window; then `rounds · hop` frames are timed:
/// sustained input frames per second (frames / wall time, prediction rounds included) and the
/// latency of each round (from the frame's arrival to all its predictions being ready), and the
/// share of block outputs reused from previous windows in those rounds.
public enum StreamBenchmark {
    /// What one run measured.
    public struct Result: Sendable, Hashable {
        /// Persons in every frame.
        public var persons: Int
        /// Timed frames.
        public var frames: Int
        /// Timed frames per wall-clock second.
        public var framesPerSecond: Double
        /// Latency of each timed prediction round, seconds, in order.
        public var roundLatencies: [Double]
        /// Of each round's latency, the time its last frame waited for the recognizer to finish
        /// earlier frames (0 when unpaced), seconds, in order: the rest is the round's own work.
        public var roundWaits: [Double]
        /// CPU time the process used (all threads) while each round's last frame was processed, seconds, in order.
        public var roundCPUTimes: [Double]
        /// Share of block output positions copied from previous windows in the timed rounds (0 without reuse).
        public var reusedShare: Double

        /// The `q`-quantile of the round latencies (nearest rank), seconds.
        public func latencyQuantile(_ q: Double) -> Double {
            let sorted = roundLatencies.sorted()
            guard !sorted.isEmpty else { return 0 }
            let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(sorted.count - 1, max(0, rank))]
        }
    }

    /// The synthetic crowd for `model`'s layout: `frameCount` frames of `persons` people.
    /// - Throws: `SkeletonDataError` or `LayoutMappingError` when the model's layout is neither
    ///   `ntu-rgb+d` nor `openpose`.
    public static func crowd(persons: Int, frameCount: Int, modelLayout: String, seed: UInt64 = 11) throws -> (frames: [PoseFrame], layout: InputLayout) {
        let threeD = modelLayout == "ntu-rgb+d"
        guard threeD || modelLayout == "openpose" else {
            throw StreamError.modelMismatch("the stream benchmark makes ntu-rgb+d or openpose keypoints; the model's layout is \(modelLayout)")
        }
        let generator = SyntheticActions(seed: seed)
        var frames = (0..<frameCount).map { PoseFrame(frame: $0, persons: []) }
        let singlePersonActions = SyntheticActionClass.allCases.filter { !$0.isTwoPerson }
        for p in 0..<persons {
            let action = singlePersonActions[p % singlePersonActions.count].rawValue
            let clip = try generator.clip(class: action, index: p, frames: frameCount, split: .test, layout: threeD ? .ntuRGBD : .openpose)
            let joints = clip.joints
            let shift = Double(p) - Double(persons - 1) / 2
            for t in 0..<frameCount {
                var keypoints = [Double](repeating: 0, count: 3 * joints)
                for v in 0..<joints {
                    if threeD {
                        guard clip[0, t, v, 0] != 0 || clip[1, t, v, 0] != 0 || clip[2, t, v, 0] != 0 else { continue }
                        keypoints[3 * v] = Double(clip[0, t, v, 0]) + shift
                        keypoints[3 * v + 1] = Double(clip[1, t, v, 0])
                        keypoints[3 * v + 2] = Double(clip[2, t, v, 0])
                    } else {
                        guard clip[2, t, v, 0] > 0 else { continue }
                        keypoints[3 * v] = (Double(clip[0, t, v, 0]) + 0.5 + shift * 0.2) * 1000
                        keypoints[3 * v + 1] = (Double(clip[1, t, v, 0]) + 0.5) * 1000
                        keypoints[3 * v + 2] = Double(clip[2, t, v, 0])
                    }
                }
                frames[t].persons.append(PosePerson(keypoints: keypoints))
            }
        }
        return (frames, threeD ? .ntu25 : .openpose18)
    }

    /// Runs `frames` through `recognizer`; the frames after the first `warmUp` (default
    /// `settings.window`) are timed.
    ///
    /// - Parameter pace: nil feeds each frame as soon as the previous one is done (latency is the
    ///   prediction work alone). A rate in frames per second plays the timed frames as a live
    ///   source would: frame i arrives at `i / pace` seconds, waits if the recognizer is still busy,
    ///   and its latency runs from that arrival, so a recognizer that falls behind shows it.
    public static func run(_ recognizer: StreamRecognizer, frames: [PoseFrame], persons: Int, pace: Double? = nil, warmUp: Int? = nil) -> Result {
        let warmUp = min(frames.count, max(0, warmUp ?? recognizer.settings.window))
        for frame in frames[..<warmUp] { _ = recognizer.process(frame) }
        var latencies: [Double] = []
        var waits: [Double] = []
        var cpuTimes: [Double] = []
        let before = recognizer.reuseCounts
        let start = DispatchTime.now().uptimeNanoseconds
        for (offset, frame) in frames[warmUp...].enumerated() {
            var arrival = DispatchTime.now().uptimeNanoseconds
            if let pace, pace > 0 {
                let due = start + UInt64((Double(offset) / pace * 1e9).rounded())
                if due > arrival { usleep(UInt32((due - arrival) / 1000)) }
                arrival = due
            }
            let begin = DispatchTime.now().uptimeNanoseconds
            let cpuBefore = processCPUTime()
            let predictions = recognizer.process(frame, arrival: arrival)
            if let first = predictions.first {
                cpuTimes.append(processCPUTime() - cpuBefore)
                latencies.append(first.latency)
                waits.append(pace == nil || begin <= arrival ? 0 : Double(begin - arrival) / 1e9)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let timed = frames.count - warmUp
        let after = recognizer.reuseCounts
        let reused = after.reused - before.reused, computed = after.computed - before.computed
        return Result(persons: persons, frames: timed, framesPerSecond: seconds > 0 ? Double(timed) / seconds : 0, roundLatencies: latencies, roundWaits: waits, roundCPUTimes: cpuTimes,
                      reusedShare: reused + computed > 0 ? Double(reused) / Double(reused + computed) : 0)
    }

    /// User plus system CPU time of the whole process so far, seconds.
    private static func processCPUTime() -> Double {
        var usage = rusage()
        #if os(Linux)
        let who = RUSAGE_SELF.rawValue
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
