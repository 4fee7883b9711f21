/// Shortest-path (hop) distances on a skeleton, computed by breadth-first search.
enum HopDistance {
    /// Distances from `source` to every joint; nil when unreachable or farther than `limit`.
    static func shortestPaths(from source: Int, jointCount: Int, edges: [SkeletonLayout.Edge], limit: Int?) -> [Int?] {
        let neighbours = adjacencyLists(jointCount: jointCount, edges: edges)
        return shortestPaths(from: source, neighbours: neighbours, limit: limit)
    }

    /// The hop-distance matrix `d[i][j]`, nil when farther than `limit` (or unreachable).
    ///
    /// This equals what the official code computes from powers of the self-linked adjacency
    /// matrix up to `max_hop`: distances beyond the limit are "infinite".
    static func matrix(jointCount: Int, edges: [SkeletonLayout.Edge], limit: Int) -> [[Int?]] {
        let neighbours = adjacencyLists(jointCount: jointCount, edges: edges)
        return (0..<jointCount).map { shortestPaths(from: $0, neighbours: neighbours, limit: limit) }
    }

    private static func adjacencyLists(jointCount: Int, edges: [SkeletonLayout.Edge]) -> [[Int]] {
        var neighbours = [[Int]](repeating: [], count: jointCount)
        for edge in edges where edge.first != edge.second {
            neighbours[edge.first].append(edge.second)
            neighbours[edge.second].append(edge.first)
        }
        return neighbours
    }

    private static func shortestPaths(from source: Int, neighbours: [[Int]], limit: Int?) -> [Int?] {
        var distance = [Int?](repeating: nil, count: neighbours.count)
        distance[source] = 0
        var frontier = [source]
        var hop = 0
        while !frontier.isEmpty {
            if let limit, hop >= limit { break }
            hop += 1
            var next: [Int] = []
            for joint in frontier {
                for neighbour in neighbours[joint] where distance[neighbour] == nil {
                    distance[neighbour] = hop
                    next.append(neighbour)
                }
            }
            frontier = next
        }
        return distance
    }
}
