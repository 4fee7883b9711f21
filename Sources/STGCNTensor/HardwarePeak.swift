import Dispatch
import Foundation
import CCPUFeatures

/// The processor's FP32 peak, measured rather than looked up: a register-only multiply-add loop
/// (no memory traffic, independent accumulators) on each of `threads` threads at once, with the
/// widest vector instructions the CPU and OS allow, and the narrower ones too (on CPUs that split
/// 512-bit operations in two, such as AMD Zen 4, the 256-bit loop is as fast). The best rate wins.
///
/// Beside the SGEMM roof, it shows how much of the hardware the BLAS kernel reaches: a roof far
/// below the peak means a weak kernel was chosen. Build with `-c release` (a debug build keeps the
/// accumulators in memory and measures far less).
public enum HardwarePeak {
    /// One measurement.
    public struct Measurement: Sendable {
        /// GFLOP/s over all threads (a multiply-add counts as two operations).
        public var gflops: Double
        /// The instruction set of the fastest loop: `avx512`, `avx2`, `sse`, `neon`.
        public var instructionSet: String
        public var threads: Int
    }

    /// Runs each available loop for about `seconds` on `threads` threads; returns the fastest.
    public static func measure(threads: Int, seconds: Double = 0.25) -> Measurement {
        let candidates: [(stgcn_fma_isa, String)] = [
            (STGCN_FMA_AVX512, "avx512"), (STGCN_FMA_AVX2, "avx2"), (STGCN_FMA_SCALAR_SSE, "sse"), (STGCN_FMA_NEON, "neon"),
        ]
        var best = Measurement(gflops: 0, instructionSet: "none", threads: threads)
        for (isa, name) in candidates where stgcn_fma_isa_available(isa) != 0 {
            let rate = rate(isa: isa, threads: max(1, threads), seconds: seconds)
            if rate > best.gflops { best = Measurement(gflops: rate, instructionSet: name, threads: threads) }
        }
        return best
    }

    private static func rate(isa: stgcn_fma_isa, threads: Int, seconds: Double) -> Double {
        let flopsPerIteration = Double(stgcn_fma_flops_per_iteration(isa))
        // Calibrate: grow the iteration count until one run takes ≥ 20 ms on one thread.
        var iterations = 1 << 16
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = stgcn_fma_loop(isa, iterations)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if elapsed >= 0.02 || iterations >= 1 << 40 {
                iterations = max(1, Int(Double(iterations) * seconds / max(elapsed, 1e-9)))
                break
            }
            iterations *= 4
        }
        let count = iterations
        var best = 0.0
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                _ = stgcn_fma_loop(isa, count)
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = max(best, Double(threads) * Double(count) * flopsPerIteration / elapsed / 1e9)
        }
        return best
    }
}
