/// The contiguous part of a batch that one of `size` processes works on: rank `r` gets
/// positions `⌊r·n/size⌋ ..< ⌊(r+1)·n/size⌋`, so shard sizes differ by at most one and
/// together cover the batch in order. (A batch of 10 on 4 ranks: 2, 3, 2, 3 samples.)
public enum BatchShard {
    /// The positions of `count` items that `rank` of `size` processes takes.
    public static func range(count: Int, rank: Int, size: Int) -> Range<Int> {
        precondition(size >= 1 && rank >= 0 && rank < size, "rank \(rank) of \(size)")
        return (rank * count / size)..<((rank + 1) * count / size)
    }
}
