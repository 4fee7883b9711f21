import Foundation

/// Checks that an allocation computed from untrusted sizes fits in this machine's memory
/// before it is made, so that a hostile size is a one-line error instead of an abort.
public enum MemoryBudget {
    /// The physical memory of this machine, in bytes.
    public static var physicalMemory: UInt64 { ProcessInfo.processInfo.physicalMemory }

    /// The most bytes one command may plan to hold: 3/4 of the physical memory.
    public static var allowance: UInt64 { physicalMemory / 4 * 3 }

    /// The product of `factors` times `bytesPerElement`, or nil when it overflows.
    public static func byteCount(_ factors: [Int], bytesPerElement: Int) -> UInt64? {
        var total = UInt64(max(0, bytesPerElement))
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: UInt64(factor))
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// nil when `bytes` (nil: overflowed) fits in `allowance`, else a one-line reason naming `what`.
    public static func violation(_ what: String, bytes: UInt64?) -> String? {
        guard let bytes else { return "\(what) would need more memory than can be addressed" }
        guard bytes > allowance else { return nil }
        return "\(what) would need \(describe(bytes)) of memory, more than this machine's \(describe(physicalMemory)) allows"
    }

    /// `bytes` in GB or MB with one decimal.
    public static func describe(_ bytes: UInt64) -> String {
        let gigabytes = Double(bytes) / 1e9
        return gigabytes >= 1 ? String(format: "%.1f GB", gigabytes) : String(format: "%.1f MB", Double(bytes) / 1e6)
    }
}
