// SeededGenerator and SplitMix64 are part of this module's API (weight initialization, dropout).
@_exported import SeededRandom
