import Foundation
#if canImport(Accelerate)
import Accelerate
#else
import CBLASLoader
#endif

/// The BLAS library in this process: which one, which kernel it runs and why.
///
/// On Linux, OpenBLAS is not linked but loaded on first use (`dlopen`), after
/// `BLASKernelChoice` has decided the kernel from the CPU's features, because OpenBLAS reads
/// `OPENBLAS_CORETYPE` only while it loads. This holds for `stgcn` and for any program that uses
/// the library. `STGCN_BLAS_LIBRARY` names another library file (e.g. a locally built
/// OpenBLAS); `OPENBLAS_CORETYPE`, when set, is respected. On macOS, Accelerate is linked and
/// chooses its kernels itself.
///
/// On x86-64 Linux with AVX-512, oneDNN (`libdnnl.so.2`, also loaded at run time when installed)
/// runs the GEMMs whose B operand is not transposed, where it measured faster
/// (`GEMMLibraryChoice`); `STGCN_GEMM=openblas|onednn|auto` overrides that and
/// `STGCN_ONEDNN_LIBRARY` names another oneDNN library file.
public enum BLASRuntime {
    /// What was loaded.
    public struct Status: Sendable {
        /// The library file opened (`libopenblas.so.0`, …) or `Accelerate`.
        public var library: String
        /// OpenBLAS's build description (`OpenBLAS 0.3.21 DYNAMIC_ARCH …`), or `Accelerate`.
        public var configuration: String
        /// The kernel running, as the library reports it (`Cooperlake`, `Haswell`, …); "" if unknown.
        public var core: String
        /// What was decided and why.
        public var decision: BLASKernelChoice.Decision
        /// The processor, as the decision saw it.
        public var features: CPUFeatures
        /// oneDNN, when it was loaded.
        public var oneDNN: GEMMLibraryChoice.OneDNN?
        /// Which library runs A·B and Aᵀ·B, and why.
        public var gemmLibrary: GEMMLibraryChoice.Decision

        /// `onednn` or `openblas`: the library of A·B and Aᵀ·B (`accelerate` on macOS).
        public var gemmLibraryName: String {
            #if canImport(Accelerate)
            return "accelerate"
            #else
            return gemmLibrary.useOneDNN ? "onednn" : "openblas"
            #endif
        }

        /// One line: `OpenBLAS 0.3.21 … (core: SkylakeX, chosen from CPU features (AVX-512 …))`.
        public var summary: String {
            #if canImport(Accelerate)
            return "Accelerate"
            #else
            var line = "\(configuration) (core: \(core.isEmpty ? "unknown" : core), \(decision.reason)"
            if case let .request(wanted) = decision.action, wanted.lowercased() != core.lowercased() {
                line += "; requested \(wanted), but the library runs \(core.isEmpty ? "an unknown core" : core)"
            }
            line += ")"
            if gemmLibrary.useOneDNN, let oneDNN {
                line += "; A·B and Aᵀ·B in oneDNN \(oneDNN.version) \(oneDNN.isaName) (\(gemmLibrary.reason))"
            } else {
                line += "; \(gemmLibrary.reason)"
            }
            return line
            #endif
        }
    }

    /// Why the BLAS library could not be loaded.
    public struct LoadError: Error, CustomStringConvertible {
        public var detail: String
        public var description: String {
            "cannot load OpenBLAS (\(detail)). Install it (Debian/Ubuntu: apt-get install libopenblas0, or libopenblas-dev) "
                + "or set STGCN_BLAS_LIBRARY to the library file"
        }
    }

    private static let loaded: Result<Status, LoadError> = load()

    /// Loads the BLAS library if needed and returns what runs; the first call decides.
    public static func status() throws(LoadError) -> Status {
        try loaded.get()
    }

    /// The loaded library's status; stops the process with the load error's message when the
    /// library cannot be loaded (the BLAS entry points have no other way to report it).
    @usableFromInline
    static var required: Status {
        switch loaded {
        case let .success(status): return status
        case let .failure(error): fatalError("swift-stgcn: \(error)")
        }
    }

    private static func load() -> Result<Status, LoadError> {
        let features = CPUFeatures.current
        #if canImport(Accelerate)
        return .success(Status(library: "Accelerate", configuration: "Accelerate", core: "",
                               decision: .init(action: .keep, reason: "Accelerate chooses its kernels"), features: features,
                               oneDNN: nil, gemmLibrary: .init(useOneDNN: false, reason: "Accelerate runs every GEMM")))
        #else
        let environment = ProcessInfo.processInfo.environment
        let alreadyLoaded = stgcn_blas_is_present_in_process() != 0
        var decision = BLASKernelChoice.decide(reportedCore: nil, features: features,
                                               userSetting: environment["OPENBLAS_CORETYPE"])
        var requested: String?
        if case let .request(core) = decision.action, !alreadyLoaded { requested = core }
        let result = environment["STGCN_BLAS_LIBRARY"].withOptionalCString { library in
            requested.withOptionalCString { coretype in stgcn_blas_load(library, coretype) }
        }
        let detail = withUnsafeBytes(of: result.detail) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard result.loaded != 0 else { return .failure(LoadError(detail: detail)) }
        let core = String(cString: stgcn_blas_corename())
        if result.was_already_loaded != 0 {
            decision = BLASKernelChoice.decide(reportedCore: core, features: features,
                                               userSetting: environment["OPENBLAS_CORETYPE"])
        }
        let configuration = String(cString: stgcn_blas_config()).trimmingCharacters(in: .whitespaces)
        let (oneDNN, gemmLibrary) = chooseGEMMLibrary(features: features, environment: environment)
        return .success(Status(library: detail, configuration: configuration.isEmpty ? "OpenBLAS" : configuration,
                               core: core, decision: decision, features: features,
                               oneDNN: oneDNN, gemmLibrary: gemmLibrary))
        #endif
    }
}

#if !canImport(Accelerate)
extension BLASRuntime {
    /// Loads oneDNN where the decision could use it, decides, and routes the GEMMs.
    private static func chooseGEMMLibrary(features: CPUFeatures, environment: [String: String])
        -> (GEMMLibraryChoice.OneDNN?, GEMMLibraryChoice.Decision) {
        let setting = environment[GEMMLibraryChoice.environmentVariable]
        let normalized = setting?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let mightUse = normalized == "onednn" || (normalized != "openblas" && features.isX86 && features.hasAVX512Core)
        var oneDNN: GEMMLibraryChoice.OneDNN?
        var unavailable = "not loaded"
        if mightUse {
            let result = environment["STGCN_ONEDNN_LIBRARY"].withOptionalCString { stgcn_onednn_load($0) }
            let detail = withUnsafeBytes(of: result.detail) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if result.loaded != 0 {
                oneDNN = .init(version: "\(result.version_major).\(result.version_minor).\(result.version_patch)",
                               effectiveISA: Int(result.effective_isa))
            } else {
                unavailable = detail
            }
        }
        let decision = GEMMLibraryChoice.decide(features: features, oneDNN: oneDNN, unavailable: unavailable,
                                                userSetting: setting)
        stgcn_onednn_route_gemm(decision.useOneDNN ? 1 : 0)
        return (oneDNN, decision)
    }
}
#endif

extension Optional where Wrapped == String {
    /// Calls `body` with a C string, or NULL when nil.
    fileprivate func withOptionalCString<R>(_ body: (UnsafePointer<CChar>?) -> R) -> R {
        switch self {
        case let .some(string): return string.withCString { body($0) }
        case .none: return body(nil)
        }
    }
}
