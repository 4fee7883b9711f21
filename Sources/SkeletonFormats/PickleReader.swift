import Foundation

/// A restricted, non-executing pickle reader (protocols 2–5) for plain data, PyTorch state
/// dicts and numpy arrays.
///
/// Only the opcodes that plain Python data (None, bool, int, float, str, bytes, bytearray,
/// list, tuple, dict), `torch.save` state dicts and pickled numpy arrays need are implemented;
/// any other opcode, and any global outside `Options.allowedGlobals`, is rejected with an error
/// naming it and its byte offset. Each reader chooses its own allow-list
/// (`TorchCheckpoint.allowedGlobals`, `NumpyPickle.allowedGlobals`, none for plain data).
/// Nothing is ever imported or called: a call of an allowed global is recorded as
/// `PickleValue.call`, except `collections.OrderedDict()`, which becomes a `.dict`.
/// Every length operand is checked against the remaining bytes before anything is allocated,
/// memo indices and stack depth are checked, and nesting is limited to `maximumDepth`.
public enum PickleReader {
    /// What a pickle may reference beyond plain data.
    public struct Options: Sendable {
        /// The globals a pickle may name (with `GLOBAL`/`STACK_GLOBAL`).
        public var allowedGlobals: Set<PickleGlobal>
        /// Whether `BINPERSID` is accepted (its id is returned as `.persistentID`).
        public var allowsPersistentIDs: Bool

        /// Creates options.
        public init(allowedGlobals: Set<PickleGlobal> = [], allowsPersistentIDs: Bool = false) {
            self.allowedGlobals = allowedGlobals
            self.allowsPersistentIDs = allowsPersistentIDs
        }

        /// Plain data only: no globals, no persistent ids.
        public static let plainData = Options()
    }

    /// The result of reading one pickle.
    public struct Result: Sendable {
        /// The unpickled value.
        public var value: PickleValue
        /// The byte offset just past the `STOP` opcode (where a following pickle would start).
        public var end: Int
    }

    /// The deepest container nesting accepted.
    public static let maximumDepth = 200

    /// Reads one pickle starting at byte `offset` of `data` (offsets are relative to `data.startIndex`).
    /// - Parameter source: names the data in errors (usually a file path).
    /// - Throws: `PickleError` describing the first problem, with its byte offset.
    public static func read(_ data: Data, offset: Int = 0, source: String, options: Options = .plainData) throws(PickleError) -> Result {
        var interpreter = PickleInterpreter(data: data, position: offset, source: source, options: options)
        return try interpreter.run()
    }
}
