import SkeletonGraph
import STGCNTensor

/// The input streams of today's multi-stream skeleton models (2s-AGCN, MS-G3D, PySKL): one
/// network is trained per stream and their class scores are fused (`ScoreFusion`).
///
/// On a batch `(N, C, T, V, M)`:
/// - `joint`: the coordinates unchanged;
/// - `bone`: `x[v] − x[parent(v)]`, where `parent(v)` is the neighbour of `v` one hop closer
///   to the layout's center (the smallest such index if several are); the center's bone is 0;
/// - `jointMotion`: `x[t+1] − x[t]`, zero in the last frame;
/// - `boneMotion`: the motion of the bones.
///
/// Channels from `coordinateChannels` on (e.g. the OpenPose score, channel 2) are copied
/// unchanged by every stream.
public enum InputStream: String, Sendable, CaseIterable {
    case joint
    case bone
    case jointMotion = "joint_motion"
    case boneMotion = "bone_motion"

    /// The stream's input for `batch` `(N, C, T, V, M)` on `layout`.
    public func transform(_ batch: Tensor, layout: SkeletonLayout, coordinateChannels: Int? = nil) -> Tensor {
        precondition(batch.shape.count == 5 && batch.shape[3] == layout.jointCount,
                     "input streams need (N, C, T, V, M) with V = \(layout.jointCount), got \(batch.shape)")
        let coordinates = min(coordinateChannels ?? batch.shape[1], batch.shape[1])
        switch self {
        case .joint: return batch
        case .bone: return Self.bones(batch, parents: Self.parents(of: layout), coordinates: coordinates)
        case .jointMotion: return Self.motion(batch, coordinates: coordinates)
        case .boneMotion:
            return Self.motion(Self.bones(batch, parents: Self.parents(of: layout), coordinates: coordinates),
                               coordinates: coordinates)
        }
    }

    /// `parent[v]`: the neighbour of `v` one hop closer to `layout.center` (`center` is its own parent).
    public static func parents(of layout: SkeletonLayout) -> [Int] {
        let count = layout.jointCount
        var neighbours = [[Int]](repeating: [], count: count)
        for edge in layout.edges where edge.first != edge.second {
            neighbours[edge.first].append(edge.second)
            neighbours[edge.second].append(edge.first)
        }
        var depth = [Int?](repeating: nil, count: count)
        depth[layout.center] = 0
        var queue = [layout.center], head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for u in neighbours[v] where depth[u] == nil {
                depth[u] = (depth[v] ?? 0) + 1
                queue.append(u)
            }
        }
        return (0..<count).map { v in
            guard let d = depth[v], d > 0 else { return v }
            return neighbours[v].filter { depth[$0] == d - 1 }.min() ?? v
        }
    }

    static func bones(_ x: Tensor, parents: [Int], coordinates: Int) -> Tensor {
        let (n, c, t, v, m) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
        var y = x
        x.scalars.withUnsafeBufferPointer { xp in
            y.scalars.withUnsafeMutableBufferPointer { yp in
                for ni in 0..<n { for ci in 0..<coordinates { for ti in 0..<t {
                    let frame = ((ni * c + ci) * t + ti) * v * m
                    for vi in 0..<v { for mi in 0..<m {
                        yp[frame + vi * m + mi] = xp[frame + vi * m + mi] - xp[frame + parents[vi] * m + mi]
                    } }
                } } }
            }
        }
        return y
    }

    static func motion(_ x: Tensor, coordinates: Int) -> Tensor {
        let (n, c, t, inner) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3] * x.shape[4])
        var y = x
        x.scalars.withUnsafeBufferPointer { xp in
            y.scalars.withUnsafeMutableBufferPointer { yp in
                for ni in 0..<n { for ci in 0..<coordinates {
                    let base = (ni * c + ci) * t * inner
                    for ti in 0..<t {
                        let at = base + ti * inner
                        for i in 0..<inner { yp[at + i] = ti + 1 < t ? xp[at + inner + i] - xp[at + i] : 0 }
                    }
                } }
            }
        }
        return y
    }
}
