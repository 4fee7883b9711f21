import Foundation

/// Which library runs the GEMMs whose B operand is not transposed (A·B and Aᵀ·B: every forward
/// GEMM of the network and the input gradients), decided from the processor's features.
///
/// Measured on an AMD Zen 4 (AVX-512), one thread, the GEMM shapes of the NTU and Kinetics
/// models: oneDNN 2.6's SGEMM ran them 5–19% faster than OpenBLAS 0.3.21's best (Cooperlake)
/// kernel, and A·Bᵀ (the weight gradients) 10–13% slower; with oneDNN held to AVX2 and OpenBLAS to
/// its Zen kernels, the two were equal within 10% either way. So oneDNN takes A·B and Aᵀ·B on
/// processors with AVX-512 F/CD/BW/DQ/VL when its own kernels are AVX-512 ones, and OpenBLAS
/// keeps A·Bᵀ, GEMV and every GEMM elsewhere.
///
/// `decide` is a pure function; `BLASRuntime` applies it once, before the first GEMM.
public enum GEMMLibraryChoice {
    /// oneDNN as loaded in this process.
    public struct OneDNN: Sendable, Equatable {
        /// "2.6.3".
        public var version: String
        /// `dnnl_get_effective_cpu_isa()`: a `dnnl_cpu_isa_t` bit set.
        public var effectiveISA: Int

        public init(version: String, effectiveISA: Int) {
            self.version = version
            self.effectiveISA = effectiveISA
        }

        /// True when oneDNN's kernels use AVX-512 (the `avx512_core` bits, 0x27, are all set).
        public var usesAVX512: Bool { effectiveISA & 0x27 == 0x27 }

        /// The ISA's oneDNN name: `avx512_core_bf16`, `avx2`, …
        public var isaName: String {
            switch effectiveISA {
            case 0x0: return "default"
            case 0x1: return "sse41"
            case 0x3: return "avx"
            case 0x7: return "avx2"
            case 0x407: return "avx2_vnni"
            case 0xf: return "avx512_mic"
            case 0x1f: return "avx512_mic_4ops"
            case 0x27: return "avx512_core"
            case 0x67: return "avx512_core_vnni"
            case 0xe7: return "avx512_core_bf16"
            case 0x3e7: return "avx512_core_amx"
            default: return "isa 0x" + String(effectiveISA, radix: 16)
            }
        }
    }

    /// The library for A·B and Aᵀ·B, and why.
    public struct Decision: Sendable, Equatable {
        /// True: oneDNN runs A·B and Aᵀ·B; false: OpenBLAS runs every GEMM.
        public var useOneDNN: Bool
        public var reason: String
    }

    /// The environment variable that overrides the decision: `openblas`, `onednn` or `auto`.
    public static let environmentVariable = "STGCN_GEMM"

    /// Decides the library.
    ///
    /// - Parameters:
    ///   - features: the processor's usable features.
    ///   - oneDNN: oneDNN if it could be loaded, nil if not (`unavailable` says why).
    ///   - userSetting: `STGCN_GEMM` from the environment, if set; always respected.
    public static func decide(features: CPUFeatures, oneDNN: OneDNN?, unavailable: String = "not loaded",
                              userSetting: String?) -> Decision {
        let setting = userSetting?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        var warning = ""
        switch setting {
        case "openblas":
            return Decision(useOneDNN: false, reason: "\(environmentVariable)=openblas set in the environment")
        case "onednn":
            guard let oneDNN else {
                return Decision(useOneDNN: false, reason: "\(environmentVariable)=onednn set, but oneDNN cannot be loaded "
                                + "(\(unavailable)); OpenBLAS runs every GEMM")
            }
            return Decision(useOneDNN: true, reason: "\(environmentVariable)=onednn set in the environment"
                            + (oneDNN.usesAVX512 ? "" : " (oneDNN runs \(oneDNN.isaName) kernels here)"))
        case "", "auto":
            break
        default:
            warning = " (warning: \(environmentVariable)=\(userSetting ?? "") is not openblas, onednn or auto; ignored)"
        }
        guard features.isX86, features.hasAVX512Core else {
            let why = features.isX86 ? "no AVX-512: OpenBLAS and oneDNN measured alike on AVX2"
                                     : "not an x86 processor: oneDNN's SGEMM was not measured here"
            return Decision(useOneDNN: false, reason: "OpenBLAS for every GEMM (\(why))" + warning)
        }
        guard let oneDNN else {
            return Decision(useOneDNN: false, reason: "OpenBLAS for every GEMM (oneDNN, faster on AVX-512 for A·B, "
                            + "is not available: \(unavailable); Debian/Ubuntu: apt-get install libdnnl2)" + warning)
        }
        guard oneDNN.usesAVX512 else {
            return Decision(useOneDNN: false, reason: "OpenBLAS for every GEMM (oneDNN runs \(oneDNN.isaName) kernels "
                            + "here, e.g. held back by ONEDNN_MAX_CPU_ISA)" + warning)
        }
        return Decision(useOneDNN: true, reason: "chosen from CPU features (AVX-512 F/CD/BW/DQ/VL)" + warning)
    }
}
