import Foundation

/// Accumulates wall-clock time per layer kind and pass, for `stgcn bench --profile`.
///
/// A network with a profiler attached times each layer call; without one (the default) the
/// only cost is an optional check per layer.
public final class LayerProfiler {
    /// The kinds of work a forward or backward pass is split into.
    public enum Kind: String, CaseIterable, Sendable {
        case dataNormalization = "data BN + layout"
        case graphConvolution = "graph conv (aggregate + 1x1)"
        case temporalConvolution = "temporal conv 9x1"
        case normalization = "BN"
        case activation = "ReLU / dropout / residual add"
        case residual = "residual 1x1 conv + BN"
        case head = "pooling + classifier"
    }

    /// Forward or backward.
    public enum Pass: String, CaseIterable, Sendable { case forward, backward }

    /// Seconds accumulated per (kind, pass).
    public private(set) var seconds: [String: Double] = [:]

    public init() {}

    /// Runs `body`, adding its duration to `kind`/`pass`.
    @inline(__always)
    public func measure<T>(_ kind: Kind, _ pass: Pass, _ body: () -> T) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        seconds[Self.key(kind, pass), default: 0] += elapsed
        return result
    }

    /// Clears all accumulated times.
    public func reset() { seconds = [:] }

    /// The accumulated seconds of one kind and pass.
    public func seconds(_ kind: Kind, _ pass: Pass) -> Double { seconds[Self.key(kind, pass)] ?? 0 }

    static func key(_ kind: Kind, _ pass: Pass) -> String { "\(kind.rawValue)|\(pass.rawValue)" }
}

/// Runs `body` under `profiler` when there is one.
@inline(__always)
func profiled<T>(_ profiler: LayerProfiler?, _ kind: LayerProfiler.Kind, _ pass: LayerProfiler.Pass,
                 _ body: () -> T) -> T {
    guard let profiler else { return body() }
    return profiler.measure(kind, pass, body)
}
