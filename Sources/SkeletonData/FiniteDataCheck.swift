import SkeletonFormats

/// The non-finite policy of every command that reads skeleton data arrays (`stgcn train`,
/// `test`, `infer`, `predict`): an array holding NaN or ±Inf is rejected before any work, with
/// the file and the index of its first such value. Nothing is replaced silently.
public enum FiniteDataCheck {
    /// The axis names of an `(N, C, T, V, M)` batch, as used in messages.
    public static let batchAxes = ["n", "c", "t", "v", "m"]
    /// The axis names of one `(C, T, V, M)` sample.
    public static let sampleAxes = ["c", "t", "v", "m"]
    /// How many elements are decoded at a time when a (memory-mapped) file is scanned, so that
    /// a multi-gigabyte array is never copied whole.
    static let chunkElements = 1 << 20

    /// Throws unless every element of `array` is finite.
    /// - Parameters:
    ///   - axes: the names of `array`'s axes for the message (`batchAxes` for `(N, C, T, V, M)`).
    ///   - file: the file the array came from.
    /// - Throws: `NonFiniteDataError.nonFinite` naming the first bad element in C order.
    public static func requireFinite(_ array: NpyArray, axes: [String], file: String) throws(NonFiniteDataError) {
        let count = array.elementCount
        if array.isFortranOrder {
            let values: [Float]
            do { values = try array.floatValues() } catch { throw .unreadable(error) }
            try requireFinite(values, shape: array.shape, axes: axes, file: file)
            return
        }
        var start = 0
        while start < count {
            let end = min(count, start + chunkElements)
            let chunk: [Float]
            do { chunk = try array.floatValues(elements: start..<end) } catch { throw .unreadable(error) }
            if let offset = chunk.firstIndex(where: { !$0.isFinite }) {
                throw .nonFinite(file: file, value: chunk[offset], index: multiIndex(start + offset, shape: array.shape), axes: axes)
            }
            start = end
        }
    }

    /// Throws unless every value of `values`, a C-order array of `shape`, is finite.
    /// - Throws: `NonFiniteDataError.nonFinite` naming the first bad element.
    public static func requireFinite(_ values: [Float], shape: [Int], axes: [String], file: String) throws(NonFiniteDataError) {
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(file: file, value: values[bad], index: multiIndex(bad, shape: shape), axes: axes)
        }
    }

    /// The C-order index along each axis of flat element `flat` (the flat index alone when
    /// `shape` does not hold it).
    static func multiIndex(_ flat: Int, shape: [Int]) -> [Int] {
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else { return [flat] }
        var index = [Int](repeating: 0, count: shape.count)
        var rest = flat
        for axis in shape.indices.reversed() {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return rest == 0 ? index : [flat]
    }
}
