import Foundation

/// Which OpenBLAS GEMM kernel ("core type") to run, decided from the processor's features.
///
/// OpenBLAS picks its kernel from a table of CPU models when it loads. A model newer than the
/// table (e.g. a 2023 Xeon under Debian's OpenBLAS 0.3.21) gets the generic SSE3 "Prescott"
/// kernel, 4–5× slower than the AVX-512 one the CPU can run. The decision here rests on the
/// features themselves (CPUID and XCR0), so it does not go stale: AVX-512 F/CD/BW/DQ/VL means the
/// SkylakeX kernels (Cooperlake with AVX512_BF16), AVX2 + FMA the Haswell kernels (Zen on AMD,
/// the same kernels with AMD cache sizes), and so on down.
///
/// `decide` is a pure function; `BLASRuntime` applies it by setting `OPENBLAS_CORETYPE` while
/// it loads OpenBLAS (the variable is read once, during loading).
public enum BLASKernelChoice {
    /// What to do, and why (printed beside the BLAS line by `stgcn`).
    public struct Decision: Sendable, Equatable {
        public enum Action: Sendable, Equatable {
            /// Load OpenBLAS with `OPENBLAS_CORETYPE` set to this core.
            case request(String)
            /// Leave OpenBLAS's own choice (or the user's setting) as it is.
            case keep
        }
        public var action: Action
        public var reason: String
    }

    /// The strongest OpenBLAS core whose instructions `features` has, or nil where no x86
    /// feature table applies (aarch64, other architectures: OpenBLAS's own detection stands).
    public static func strongestCore(for features: CPUFeatures) -> String? {
        guard features.isX86 else { return nil }
        let amd = features.vendor == "AuthenticAMD" || features.vendor == "HygonGenuine"
        if features.hasAVX512Core { return features.has(.avx512_bf16) ? "Cooperlake" : "SkylakeX" }
        if features.has(.avx2, .fma) { return amd ? "Zen" : "Haswell" }
        if features.has(.avx) { return "Sandybridge" }
        if features.has(.ssse3, .sse4_1, .sse4_2) { return "Nehalem" }
        if features.has(.sse3) { return "Prescott" }
        return nil
    }

    /// The capability class of an OpenBLAS x86 core name (case-insensitive), higher is wider
    /// vectors / more instructions; nil for names this table does not know.
    public static func rank(ofCore name: String) -> Int? {
        switch name.lowercased() {
        case "katmai", "coppermine", "northwood", "banias", "athlon": return 0
        case "prescott", "opteron", "opteron_sse3": return 1
        case "atom", "core2", "penryn", "dunnington", "nano", "barcelona", "bobcat": return 2
        case "nehalem": return 3
        case "sandybridge", "bulldozer": return 4
        case "piledriver", "steamroller", "excavator": return 5
        case "haswell", "zen": return 6
        case "skylakex": return 7
        case "cooperlake": return 8
        case "sapphirerapids": return 9
        default: return nil
        }
    }

    /// The instructions a core name needs, for checking a user's setting.
    static func requiredFeatures(ofCore name: String) -> [CPUFeature] {
        switch rank(ofCore: name) ?? 0 {
        case 9: return [.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl, .avx512_bf16, .amx_bf16]
        case 8: return [.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl, .avx512_bf16]
        case 7: return [.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl]
        case 6: return [.avx2, .fma]
        case 5: return [.avx, .fma]
        case 4: return [.avx]
        case 3: return [.ssse3, .sse4_1, .sse4_2]
        case 1, 2: return [.sse3]
        default: return []
        }
    }

    /// Decides the kernel.
    ///
    /// - Parameters:
    ///   - reportedCore: the core an OpenBLAS already loaded in this process runs (it was chosen
    ///     then and cannot change), or nil when OpenBLAS is not loaded yet.
    ///   - features: the processor's usable features.
    ///   - userSetting: `OPENBLAS_CORETYPE` from the environment, if set; always respected.
    public static func decide(reportedCore: String?, features: CPUFeatures, userSetting: String?) -> Decision {
        let strongest = strongestCore(for: features)
        if let setting = userSetting?.trimmingCharacters(in: .whitespaces), !setting.isEmpty {
            var reason = "OPENBLAS_CORETYPE=\(setting) set in the environment"
            let missing = features.isX86 ? requiredFeatures(ofCore: setting).filter { !features.flags.contains($0) } : []
            if !missing.isEmpty {
                reason += " (warning: this CPU lacks " + missing.map(\.rawValue).joined(separator: ", ") + ")"
            } else if let strongest, let wanted = rank(ofCore: setting), let best = rank(ofCore: strongest), wanted < best {
                reason += " (this CPU could run \(strongest))"
            }
            return Decision(action: .keep, reason: reason)
        }
        if let reportedCore {
            guard let strongest, let best = rank(ofCore: strongest), let current = rank(ofCore: reportedCore),
                  current < best else {
                return Decision(action: .keep, reason: "OpenBLAS was loaded by the process before swift-stgcn, with \(reportedCore)")
            }
            return Decision(action: .keep, reason: "OpenBLAS was loaded by the process before swift-stgcn, with \(reportedCore); "
                            + "this CPU could run \(strongest): start the process with OPENBLAS_CORETYPE=\(strongest)")
        }
        guard let strongest else {
            return Decision(action: .keep, reason: "OpenBLAS's own detection (no x86 feature table for this CPU)")
        }
        return Decision(action: .request(strongest), reason: "chosen from CPU features (\(featureSummary(features)))")
    }

    /// The features that decided, e.g. `AVX-512 F/CD/BW/DQ/VL + BF16`.
    static func featureSummary(_ features: CPUFeatures) -> String {
        if features.hasAVX512Core { return "AVX-512 F/CD/BW/DQ/VL" + (features.has(.avx512_bf16) ? " + BF16" : "") }
        if features.has(.avx2, .fma) { return "AVX2 + FMA, no AVX-512" }
        if features.has(.avx) { return "AVX, no AVX2" }
        if features.has(.sse4_2) { return "SSE4.2, no AVX" }
        return "SSE3 only"
    }
}
