import SkeletonData

extension FeederOptions {
    /// Whether `Feeder.sample(_:using:)` draws from its generator (`random_shift`,
    /// `random_choose`, `random_move` or random uniform sampling on); when not, a data-parallel
    /// shard need not replay the draws of the samples before it.
    var drawsRandomNumbers: Bool { randomShift || randomChoose || randomMove || uniformSampling == .random }
}
