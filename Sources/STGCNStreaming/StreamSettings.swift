import InputLimits

/// How `StreamRecognizer` windows and schedules predictions.
public struct StreamSettings: Sendable, Hashable {
    /// W: frames per window (the clip length the model sees; shorter histories are zero-padded
    /// at the end, as the official `auto_pading`).
    public var window: Int
    /// A prediction round every `hop` frames (after the stream's frames `hop − 1`, `2·hop − 1`, …).
    public var hop: Int
    /// M: person slots per clip (2 for the official NTU and Kinetics models).
    public var persons: Int
    /// Identity of persons without producer ids.
    public var tracker: PersonTracker.Settings
    /// Reuse block outputs of a person's previous window (`SlidingWindowEvaluator`, plain
    /// ST-GCN models only); the answer is the same up to float rounding.
    public var reuseOverlappingWindows = true
    /// With `reuseOverlappingWindows`: on frames where nobody is due, run the next round's
    /// windows on the frames that have arrived (`SlidingWindowEvaluator.prepare(_:)`), so that a
    /// round computes only the positions its last frames reach. The answer is the same; the work
    /// moves off the critical path from a round's last frame to its predictions.
    public var prepareAhead = true
    /// With `prepareAhead`: prepare the windows of a person's first slides (its first rounds
    /// after W frames, whose starts are new modulo the strides, so that some blocks run whole
    /// once) up to eight hops early, one window every few free frames, instead of all in the
    /// free frame before their round, where a crowd that appeared together made the next round
    /// wait. The answer is the same.
    public var prepareFirstSlidesEarly = true
    /// Spread persons over phases within the hop once a crowd outgrows the cores, instead of
    /// predicting everyone on the same frame: a person first seen joins the fullest phase
    /// (0..<hop) with room for it (`personsPerPhase`), else gets the phase that the fewest live
    /// persons have, the one farthest from the phases in use on a tie, and is predicted after the
    /// frames where `(index + 1) % hop` equals it. The first person takes phase 0, so while the
    /// live persons fit one phase everyone is predicted together on the frames `hop − 1`,
    /// `2·hop − 1`, … (as with `false`). Every person is still predicted every `hop` frames on the
    /// window ending there (the same answer as offline); the work of a crowd is spread over the
    /// hop, so persons do not all wait for one another. On by default: with 5 persons at 30
    /// frames/s on 2 cores (NTU model, window 300, hop 10) it takes the round latency's p95 from
    /// about 140–170 ms to under 100 ms (README, "Live recognition", Speed).
    public var staggerPersons = true
    /// With `staggerPersons`: how many persons may share a phase before a newcomer opens another
    /// (nil: `StreamSettings.automaticPersonsPerPhase`). A newcomer joins the fullest phase that has
    /// room. Each phase's round also runs the partners' windows ending on that frame, so with
    /// M ≥ 2 one person per phase would repeat the most relevant person's window in every phase.
    public var personsPerPhase: Int?

    /// The default `personsPerPhase`: for one-person models `workers` (each round then runs at
    /// most one window per core, as fast as a single window); for M ≥ 2 twice `workers`. Usually
    /// one person is every other person's partner (the most relevant one), so a phase without it
    /// runs one window more than it has persons; two workers' worth per phase keeps each round at
    /// about two windows per core and the total near one window per person: five persons on 2
    /// cores make phases of 4 + 1, i.e. rounds of 4 and 2 windows, 6 per hop (against 5 on one
    /// frame and 9 with one person per phase).
    public func automaticPersonsPerPhase(workers: Int) -> Int { persons == 1 ? max(1, workers) : 2 * max(1, workers) }

    /// Creates settings.
    public init(window: Int = 300, hop: Int = 10, persons: Int = 2, tracker: PersonTracker.Settings) {
        self.window = window
        self.hop = hop
        self.persons = persons
        self.tracker = tracker
    }

    /// Checks the ranges (window and hop 1...`InputLimits.maximumFrameCount`, persons
    /// 1...`InputLimits.maximumPersonCount`, timeout ≥ 0, a finite non-negative distance).
    public func validate() throws(StreamError) {
        if let reason = InputLimits.violation("window", window, atMost: InputLimits.maximumFrameCount) { throw .invalidSetting(reason) }
        if let reason = InputLimits.violation("hop", hop, atMost: InputLimits.maximumFrameCount) { throw .invalidSetting(reason) }
        if let reason = InputLimits.violation("persons", persons, atMost: InputLimits.maximumPersonCount) { throw .invalidSetting(reason) }
        if let personsPerPhase, let reason = InputLimits.violation("persons per phase", personsPerPhase, atMost: InputLimits.maximumPersonCount) {
            throw .invalidSetting(reason)
        }
        guard tracker.timeoutFrames >= 0 else { throw .invalidSetting("track timeout \(tracker.timeoutFrames): expected at least 0 frames") }
        guard tracker.maximumDistance.isFinite, tracker.maximumDistance >= 0 else {
            throw .invalidSetting("match distance \(tracker.maximumDistance): expected a finite number ≥ 0")
        }
    }
}
