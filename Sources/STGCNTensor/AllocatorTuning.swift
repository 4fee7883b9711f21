#if os(Linux)
/// glibc's `int mallopt(int param, int value)` (declared in malloc.h, which Glibc's module omits).
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// glibc's parameter numbers (malloc.h).
private let mallocTrimThreshold: Int32 = -1, mallocMmapThreshold: Int32 = -3
#endif

/// Process-wide tuning of the C allocator for this workload.
///
/// A training step allocates and frees tens of activation tensors of 1–60 MB. By default glibc
/// serves blocks above 128 KB with `mmap` and returns them with `munmap`, so every step faults
/// all its activation memory back in page by page. Raising the mmap threshold to glibc's maximum
/// (32 MB on 64-bit) and never trimming the heap keeps freed blocks for reuse.
public enum AllocatorTuning {
    /// Applies the tuning (glibc only; elsewhere a no-op). Call once, early, from an executable.
    public static func apply() {
        #if os(Linux)
        _ = mallopt(mallocMmapThreshold, 32 << 20)
        _ = mallopt(mallocTrimThreshold, Int32.max)
        #endif
    }
}
