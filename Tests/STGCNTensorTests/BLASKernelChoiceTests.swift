import Foundation
import XCTest
import STGCNTensor

/// The kernel decision as a pure function of (core OpenBLAS reports, CPU features, user setting),
/// on the processors met so far, and the loaded library's agreement with it.
final class BLASKernelChoiceTests: XCTestCase {
    static let avx512Core: Set<CPUFeature> = [.sse3, .ssse3, .sse4_1, .sse4_2, .avx, .fma, .avx2,
                                              .avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl]
    /// Intel Xeon family 6 model 207 (Emerald Rapids): unknown to OpenBLAS 0.3.21's model table.
    static let xeonModel207 = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 207,
                                          flags: avx512Core.union([.avx512_bf16, .avx512_fp16, .amx_bf16]))
    /// Intel Skylake-SP: AVX-512 without BF16.
    static let skylakeSP = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 85, flags: avx512Core)
    /// AMD Zen 5 (family 26): full-width AVX-512 with BF16.
    static let zen5 = CPUFeatures(vendor: "AuthenticAMD", family: 26, model: 2, flags: avx512Core.union([.avx512_bf16]))
    /// AMD EPYC with AVX2 only (Zen 2/3).
    static let zen2 = CPUFeatures(vendor: "AuthenticAMD", family: 23, model: 49,
                                  flags: [.sse3, .ssse3, .sse4_1, .sse4_2, .avx, .fma, .avx2])
    static let haswell = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 63,
                                     flags: [.sse3, .ssse3, .sse4_1, .sse4_2, .avx, .fma, .avx2])
    static let arm = CPUFeatures(vendor: "", flags: [])

    func decide(_ reported: String?, _ features: CPUFeatures, user: String? = nil) -> BLASKernelChoice.Decision {
        BLASKernelChoice.decide(reportedCore: reported, features: features, userSetting: user)
    }

    func testAVX512CPUsGetTheAVX512Kernels() {
        XCTAssertEqual(decide(nil, Self.xeonModel207).action, .request("Cooperlake"))
        XCTAssertEqual(decide(nil, Self.skylakeSP).action, .request("SkylakeX"))
        XCTAssertEqual(decide(nil, Self.zen5).action, .request("Cooperlake"), "Zen 5 is not held to the AVX2 Zen kernels")
        XCTAssertTrue(decide(nil, Self.skylakeSP).reason.contains("AVX-512"))
    }

    func testAVX2CPUsGetHaswellClassKernels() {
        XCTAssertEqual(decide(nil, Self.zen2).action, .request("Zen"))
        XCTAssertEqual(decide(nil, Self.haswell).action, .request("Haswell"))
    }

    func testOlderFeatureLevels() {
        let avx = CPUFeatures(vendor: "GenuineIntel", flags: [.sse3, .ssse3, .sse4_1, .sse4_2, .avx])
        XCTAssertEqual(decide(nil, avx).action, .request("Sandybridge"))
        let sse42 = CPUFeatures(vendor: "GenuineIntel", flags: [.sse3, .ssse3, .sse4_1, .sse4_2])
        XCTAssertEqual(decide(nil, sse42).action, .request("Nehalem"))
        XCTAssertEqual(decide(nil, CPUFeatures(vendor: "GenuineIntel", flags: [.sse3])).action, .request("Prescott"))
        // AVX-512 without OS support for the ZMM registers is not in the usable flags: AVX2 kernels.
        XCTAssertEqual(decide(nil, CPUFeatures(vendor: "GenuineIntel", flags: Self.haswell.flags)).action, .request("Haswell"))
    }

    func testAnAlreadyLoadedWeakKernelIsReportedWithTheFix() {
        // Prescott on AVX-512: OpenBLAS was loaded before the library could choose.
        let prescott = decide("Prescott", Self.xeonModel207)
        XCTAssertEqual(prescott.action, .keep)
        XCTAssertTrue(prescott.reason.contains("OPENBLAS_CORETYPE=Cooperlake"), prescott.reason)
        // Zen (AVX2) on an AVX-512 Zen 5.
        let zenOnAVX512 = decide("Zen", Self.zen5)
        XCTAssertTrue(zenOnAVX512.reason.contains("could run Cooperlake"), zenOnAVX512.reason)
        // Zen on an AVX2-only EPYC is already the best: nothing to suggest.
        let zenOnAVX2 = decide("Zen", Self.zen2)
        XCTAssertEqual(zenOnAVX2.action, .keep)
        XCTAssertFalse(zenOnAVX2.reason.contains("could run"), zenOnAVX2.reason)
    }

    func testTheUsersSettingIsRespected() {
        let forced = decide(nil, Self.xeonModel207, user: "Haswell")
        XCTAssertEqual(forced.action, .keep)
        XCTAssertTrue(forced.reason.contains("OPENBLAS_CORETYPE=Haswell set in the environment"), forced.reason)
        XCTAssertTrue(forced.reason.contains("could run Cooperlake"), forced.reason)
        let impossible = decide(nil, Self.zen2, user: "SkylakeX")
        XCTAssertEqual(impossible.action, .keep)
        XCTAssertTrue(impossible.reason.contains("lacks avx512f"), impossible.reason)
        XCTAssertEqual(decide("Prescott", Self.xeonModel207, user: "PRESCOTT").action, .keep)
        XCTAssertEqual(decide(nil, Self.haswell, user: "  ").action, .request("Haswell"), "a blank setting is no setting")
    }

    func testOtherArchitecturesKeepOpenBLASsOwnDetection() {
        XCTAssertNil(BLASKernelChoice.strongestCore(for: Self.arm))
        XCTAssertEqual(decide(nil, Self.arm).action, .keep)
        XCTAssertEqual(decide("ARMV8", Self.arm).action, .keep)
    }

    func testRanksOrderTheCoreNames() throws {
        let ordered = ["Prescott", "Core2", "Nehalem", "Sandybridge", "Haswell", "SkylakeX", "Cooperlake"]
        let ranks = try ordered.map { try XCTUnwrap(BLASKernelChoice.rank(ofCore: $0), $0) }
        XCTAssertEqual(ranks, ranks.sorted())
        XCTAssertEqual(Set(ranks).count, ranks.count)
        XCTAssertEqual(BLASKernelChoice.rank(ofCore: "zen"), BLASKernelChoice.rank(ofCore: "HASWELL"))
        XCTAssertNil(BLASKernelChoice.rank(ofCore: "ARMV8"))
    }

    /// The library this process loaded runs what the decision asked for: the CPU's strongest
    /// kernel class, or exactly the user's `OPENBLAS_CORETYPE` (as `scripts/parity-kernels` sets it).
    func testTheLoadedLibraryRunsTheDecidedKernel() throws {
        #if canImport(Accelerate)
        throw XCTSkip("Accelerate chooses its own kernels")
        #else
        let status = try BLASRuntime.status()
        print("BLAS kernel choice: \(status.summary); CPU: \(status.features)")
        XCTAssertFalse(status.core.isEmpty)
        if let setting = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !setting.isEmpty {
            XCTAssertEqual(status.core.lowercased(), setting.lowercased())
        } else if let strongest = BLASKernelChoice.strongestCore(for: status.features) {
            let wanted = try XCTUnwrap(BLASKernelChoice.rank(ofCore: strongest))
            let running = try XCTUnwrap(BLASKernelChoice.rank(ofCore: status.core), status.core)
            XCTAssertGreaterThanOrEqual(running, wanted, status.summary)
        }
        #endif
    }

    func testFeatureDetectionFindsTheBasics() {
        let features = CPUFeatures.current
        #if arch(x86_64)
        XCTAssertTrue(features.isX86)
        XCTAssertTrue(features.has(.sse3), "every x86-64 CPU this package runs on has SSE3: \(features)")
        if features.has(.avx512f) { XCTAssertTrue(features.has(.avx2)) }
        #else
        XCTAssertFalse(features.isX86)
        #endif
    }

    /// The register-only loops run and report a rate (its size is for `stgcn bench` in a release
    /// build: a debug build keeps the accumulators in memory, and then any loop may win).
    func testHardwarePeakIsMeasured() {
        let one = HardwarePeak.measure(threads: 1, seconds: 0.02)
        XCTAssertGreaterThan(one.gflops, 0)
        #if arch(x86_64)
        XCTAssertTrue(["avx512", "avx2", "sse"].contains(one.instructionSet), one.instructionSet)
        #elseif arch(arm64)
        XCTAssertEqual(one.instructionSet, "neon")
        #endif
    }
}
