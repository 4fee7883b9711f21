// The umbrella module: `import STGCN` brings in every library of the package.
@_exported import InputLimits
@_exported import SeededRandom
@_exported import STGCNTensor
@_exported import SkeletonFormats
@_exported import SkeletonGraph
@_exported import SkeletonData
@_exported import STGCNModel
@_exported import STGCNONNX
@_exported import STGCNTraining
@_exported import STGCNAblation
@_exported import STGCNStreaming
@_exported import STGCNDistributed
