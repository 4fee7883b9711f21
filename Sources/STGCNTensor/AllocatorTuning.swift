#if os(Linux)
/// glibc's `int mallopt(int param, int value)` (declared in malloc.h, which Glibc's module omits).
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// glibc's parameter numbers (malloc.h).
private let mallocTrimThreshold: Int32 = -1, mallocMmapThreshold: Int32 = -3, mallocMmapMax: Int32 = -4
#endif

/// Process-wide tuning of the C allocator for this workload.
///
/// A training step allocates and frees tens of activation tensors of 1–60 MB. By default glibc
/// serves blocks above 128 KB with `mmap` and returns them with `munmap`, so every step faults
/// all its activation memory back in page by page. Raising the mmap threshold to glibc's maximum
/// (32 MB on 64-bit) and never trimming the heap keeps freed blocks for reuse. Activations
/// above 32 MB (a 64-channel block at batch 16 is 44–61 MB) would still be mapped and unmapped
/// every step, so mmap is switched off altogether: every block comes from the heap and is reused.
/// (Layers allocate their outputs on the calling thread, so these large blocks live in the main
/// arena; forcing every thread into it with `M_ARENA_MAX = 1` was measured to slow training by
/// ~25% through lock contention, so worker threads keep their own arenas.) Cost: freed blocks
/// are not returned to the system, and heap fragmentation adds ~6% to the peak RSS of training.
public enum AllocatorTuning {
    /// Applies the tuning (glibc only; elsewhere a no-op). Call once, early, from an executable.
    public static func apply() {
        #if os(Linux)
        _ = mallopt(mallocMmapThreshold, 32 << 20)
        _ = mallopt(mallocMmapMax, 0)
        _ = mallopt(mallocTrimThreshold, Int32.max)
        #endif
    }
}
