#if canImport(CCPUFeatures)
import CCPUFeatures
#endif

/// One instruction-set extension that a GEMM kernel may need.
public enum CPUFeature: String, CaseIterable, Sendable, Comparable {
    case sse3, ssse3, sse4_1, sse4_2, avx, fma, avx2
    case avx512f, avx512cd, avx512bw, avx512dq, avx512vl, avx512_bf16, avx512_fp16, amx_bf16

    public static func < (lhs: CPUFeature, rhs: CPUFeature) -> Bool { lhs.order < rhs.order }

    private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// What this processor can execute: its vendor and model, and the usable instruction-set
/// extensions — present in CPUID *and*, for the 256- and 512-bit registers, saved by the
/// operating system (XCR0), since a kernel using registers the OS does not save cannot run.
public struct CPUFeatures: Sendable, Equatable, CustomStringConvertible {
    /// "GenuineIntel", "AuthenticAMD", … ("" on non-x86 machines).
    public var vendor: String
    public var family: Int
    public var model: Int
    /// The usable extensions (empty on non-x86 machines).
    public var flags: Set<CPUFeature>

    public init(vendor: String, family: Int = 0, model: Int = 0, flags: Set<CPUFeature>) {
        self.vendor = vendor
        self.family = family
        self.model = model
        self.flags = flags
    }

    /// True for x86-64 processors (where `flags` is meaningful).
    public var isX86: Bool { !vendor.isEmpty }

    /// True when every one of `features` is usable.
    public func has(_ features: CPUFeature...) -> Bool { features.allSatisfy(flags.contains) }

    /// AVX-512 F, CD, BW, DQ and VL: what OpenBLAS's SkylakeX kernels need.
    public var hasAVX512Core: Bool { has(.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl) }

    /// This processor's features, read once.
    public static let current: CPUFeatures = read()

    private static func read() -> CPUFeatures {
        #if canImport(CCPUFeatures)
        let raw = stgcn_cpu_features_read()
        guard raw.is_x86 != 0 else { return CPUFeatures(vendor: "", flags: []) }
        let vendor = withUnsafeBytes(of: raw.vendor) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        let ymm = raw.os_saves_ymm != 0, zmm = raw.os_saves_zmm != 0
        let present: [(CPUFeature, Int32, Bool)] = [
            (.sse3, raw.sse3, true), (.ssse3, raw.ssse3, true), (.sse4_1, raw.sse4_1, true),
            (.sse4_2, raw.sse4_2, true), (.avx, raw.avx, ymm), (.fma, raw.fma, ymm), (.avx2, raw.avx2, ymm),
            (.avx512f, raw.avx512f, zmm), (.avx512cd, raw.avx512cd, zmm), (.avx512bw, raw.avx512bw, zmm),
            (.avx512dq, raw.avx512dq, zmm), (.avx512vl, raw.avx512vl, zmm), (.avx512_bf16, raw.avx512_bf16, zmm),
            (.avx512_fp16, raw.avx512_fp16, zmm), (.amx_bf16, raw.amx_bf16, zmm),
        ]
        let flags = Set(present.compactMap { feature, bit, enabled in bit != 0 && enabled ? feature : nil })
        return CPUFeatures(vendor: vendor, family: Int(raw.family), model: Int(raw.model), flags: flags)
        #else
        return CPUFeatures(vendor: "", flags: [])
        #endif
    }

    /// E.g. `AuthenticAMD family 25 model 17: avx2 fma avx512f … avx512_bf16`.
    public var description: String {
        guard isX86 else { return "not x86-64 (no feature table)" }
        return "\(vendor) family \(family) model \(model): " + flags.sorted().map(\.rawValue).joined(separator: " ")
    }
}
