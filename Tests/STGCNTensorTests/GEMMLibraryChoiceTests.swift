import Foundation
import XCTest
import STGCNTensor
#if !canImport(Accelerate)
import CBLASLoader
#endif

/// Which library runs A·B and Aᵀ·B, as a pure function of (CPU features, oneDNN as loaded, the
/// user's `STGCN_GEMM`), and the loaded process's agreement with it.
final class GEMMLibraryChoiceTests: XCTestCase {
    typealias Choice = GEMMLibraryChoice
    static let zen4 = CPUFeatures(vendor: "AuthenticAMD", family: 25, model: 17,
                                  flags: BLASKernelChoiceTests.avx512Core.union([.avx512_bf16]))
    static let oneDNNAVX512 = Choice.OneDNN(version: "2.6.3", effectiveISA: 0xe7)
    static let oneDNNAVX2 = Choice.OneDNN(version: "2.6.3", effectiveISA: 0x7)

    func testAVX512CPUsRunAByBInOneDNN() {
        for features in [Self.zen4, BLASKernelChoiceTests.xeonModel207, BLASKernelChoiceTests.skylakeSP,
                         BLASKernelChoiceTests.zen5] {
            let decision = Choice.decide(features: features, oneDNN: Self.oneDNNAVX512, userSetting: nil)
            XCTAssertTrue(decision.useOneDNN, "\(features)")
            XCTAssertTrue(decision.reason.contains("AVX-512"), decision.reason)
        }
        XCTAssertTrue(Choice.decide(features: Self.zen4, oneDNN: Self.oneDNNAVX512, userSetting: " AUTO ").useOneDNN)
    }

    func testAVX2CPUsAndOtherArchitecturesKeepOpenBLAS() {
        for features in [BLASKernelChoiceTests.zen2, BLASKernelChoiceTests.haswell, BLASKernelChoiceTests.arm] {
            let decision = Choice.decide(features: features, oneDNN: Self.oneDNNAVX512, userSetting: nil)
            XCTAssertFalse(decision.useOneDNN, "\(features)")
            XCTAssertTrue(decision.reason.hasPrefix("OpenBLAS for every GEMM"), decision.reason)
        }
    }

    func testWithoutOneDNNOrWithItsAVX2KernelsOpenBLASRunsEverything() {
        let missing = Choice.decide(features: Self.zen4, oneDNN: nil, unavailable: "libdnnl.so.2: cannot open", userSetting: nil)
        XCTAssertFalse(missing.useOneDNN)
        XCTAssertTrue(missing.reason.contains("libdnnl.so.2: cannot open") && missing.reason.contains("apt-get install libdnnl2"),
                      missing.reason)
        let capped = Choice.decide(features: Self.zen4, oneDNN: Self.oneDNNAVX2, userSetting: nil)
        XCTAssertFalse(capped.useOneDNN)
        XCTAssertTrue(capped.reason.contains("avx2"), capped.reason)
    }

    func testTheUsersSettingIsRespected() {
        let openBLAS = Choice.decide(features: Self.zen4, oneDNN: Self.oneDNNAVX512, userSetting: "OpenBLAS")
        XCTAssertFalse(openBLAS.useOneDNN)
        XCTAssertTrue(openBLAS.reason.contains("STGCN_GEMM=openblas"), openBLAS.reason)
        let forced = Choice.decide(features: BLASKernelChoiceTests.zen2, oneDNN: Self.oneDNNAVX2, userSetting: "onednn")
        XCTAssertTrue(forced.useOneDNN)
        XCTAssertTrue(forced.reason.contains("avx2"), forced.reason)
        let impossible = Choice.decide(features: Self.zen4, oneDNN: nil, unavailable: "not installed", userSetting: "onednn")
        XCTAssertFalse(impossible.useOneDNN)
        XCTAssertTrue(impossible.reason.contains("cannot be loaded (not installed)"), impossible.reason)
        let unknown = Choice.decide(features: Self.zen4, oneDNN: Self.oneDNNAVX512, userSetting: "mkl")
        XCTAssertTrue(unknown.useOneDNN, "an unknown value is ignored, with a warning")
        XCTAssertTrue(unknown.reason.contains("warning: STGCN_GEMM=mkl"), unknown.reason)
    }

    func testISANames() {
        XCTAssertEqual(Self.oneDNNAVX512.isaName, "avx512_core_bf16")
        XCTAssertTrue(Self.oneDNNAVX512.usesAVX512)
        XCTAssertEqual(Self.oneDNNAVX2.isaName, "avx2")
        XCTAssertFalse(Self.oneDNNAVX2.usesAVX512)
        XCTAssertFalse(Choice.OneDNN(version: "2.6", effectiveISA: 0xf).usesAVX512, "Xeon Phi's AVX-512 is not avx512_core")
        XCTAssertTrue(Choice.OneDNN(version: "2.6", effectiveISA: 0x3e7).usesAVX512)
    }

    /// This process routes A·B exactly as its decision says, and decides for oneDNN wherever the
    /// rule asks for it and the library can be opened (CI installs it: `scripts/setup.sh`).
    func testTheLoadedProcessRoutesAsDecided() throws {
        #if canImport(Accelerate)
        throw XCTSkip("Accelerate runs every GEMM on macOS")
        #else
        let status = try BLASRuntime.status()
        print("GEMM library: \(status.gemmLibraryName): \(status.gemmLibrary.reason)")
        XCTAssertEqual(stgcn_onednn_is_routed() != 0, status.gemmLibrary.useOneDNN)
        let redecided = Choice.decide(features: status.features, oneDNN: status.oneDNN,
                                      userSetting: ProcessInfo.processInfo.environment[Choice.environmentVariable])
        XCTAssertEqual(redecided.useOneDNN, status.gemmLibrary.useOneDNN)
        let setting = ProcessInfo.processInfo.environment[Choice.environmentVariable]?.lowercased()
        if setting == nil, status.features.hasAVX512Core, let oneDNN = status.oneDNN, oneDNN.usesAVX512 {
            XCTAssertTrue(status.gemmLibrary.useOneDNN, status.summary)
        }
        if setting == "openblas" { XCTAssertFalse(status.gemmLibrary.useOneDNN) }
        #endif
    }
}
