/// Overflow-checked arithmetic on tensor shapes, shared by both file formats.
enum ShapeArithmetic {
    /// Why a shape was rejected.
    enum Problem: Error, Equatable, Sendable {
        case negativeDimension(index: Int, value: Int)
        case overflow

        /// A short phrase for error messages.
        var phrase: String {
            switch self {
            case let .negativeDimension(index, value): return "dimension \(index) is negative (\(value))"
            case .overflow: return "element count overflows"
            }
        }
    }

    /// The number of elements of `shape` (1 for a scalar `[]`), or the problem that prevents computing it.
    static func elementCount(_ shape: [Int]) -> Result<Int, Problem> {
        var count = 1
        for (index, dimension) in shape.enumerated() {
            guard dimension >= 0 else { return .failure(.negativeDimension(index: index, value: dimension)) }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return .failure(.overflow) }
            count = product
        }
        return .success(count)
    }

    /// `elementCount(shape) * elementSize` in bytes, or the problem that prevents computing it.
    static func byteCount(_ shape: [Int], elementSize: Int) -> Result<Int, Problem> {
        switch elementCount(shape) {
        case let .failure(problem): return .failure(problem)
        case let .success(count):
            let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
            return overflow ? .failure(.overflow) : .success(bytes)
        }
    }

    /// Renders a shape the way error messages show it: `[2, 3, 40]`.
    static func describe(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}
