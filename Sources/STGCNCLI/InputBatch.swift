import Foundation
import STGCN

/// Reading model input from `.npy` and checking it against a model configuration: the one
/// place that checks an input array's dtype, order, shape, size and values.
enum InputBatch {
    /// An `(N, C, T, V, M)` batch, or with `acceptingSample` also a single `(C, T, V, M)` sample
    /// (returned as a batch of one).
    static func read(_ path: String, configuration: ModelConfiguration, acceptingSample: Bool = false) throws -> Tensor {
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path): input file not found") }
        let array: NpyArray
        do { array = try Npy.read(contentsOf: URL(fileURLWithPath: path)) } catch { throw CLIError(error.description) }
        guard array.dtype == .float32 else {
            throw CLIError("\(path): dtype \(array.dtype.descr); expected float32 ('<f4'): convert with numpy's astype(np.float32)")
        }
        guard !array.isFortranOrder else {
            throw CLIError("\(path): Fortran-order array; expected C order: save np.ascontiguousarray(x)")
        }
        let isSample = acceptingSample && array.shape.count == 4
        let shape = isSample ? [1] + array.shape : array.shape
        let expectedC = configuration.inputChannels, expectedV = configuration.layout.jointCount
        guard shape.count == 5 else {
            let sample = acceptingSample ? " or 4 dimensions (C=\(expectedC), T, V=\(expectedV), M)" : ""
            throw CLIError("\(path): shape \(array.shape); expected 5 dimensions (N, C=\(expectedC), T, V=\(expectedV), M)\(sample)")
        }
        guard shape[1] == expectedC else {
            throw CLIError("\(path): shape \(shape) has C=\(shape[1]); the model expects C=\(expectedC) (in_channels)")
        }
        guard shape[3] == expectedV else {
            throw CLIError("\(path): shape \(shape) has V=\(shape[3]); layout \(configuration.layout.name) has V=\(expectedV)")
        }
        guard shape[0] >= 1, shape[2] >= 1, shape[4] >= 1 else {
            throw CLIError("\(path): shape \(shape) is empty; expected N, T and M of at least 1")
        }
        try InferenceMemory.check(shape: shape, source: path)
        let values: [Float]
        do { values = try array.floatValues() } catch { throw CLIError(error.description) }
        do {
            try FiniteDataCheck.requireFinite(values, shape: array.shape, axes: isSample ? FiniteDataCheck.sampleAxes : FiniteDataCheck.batchAxes,
                                              file: path)
        } catch {
            throw CLIError(error.description)
        }
        return Tensor(shape: shape, scalars: values)
    }
}
