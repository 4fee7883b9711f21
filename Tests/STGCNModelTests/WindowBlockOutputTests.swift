import XCTest
import STGCNTensor
@testable import STGCNModel

final class WindowBlockOutputTests: XCTestCase {
    let (channels, joints) = (3, 2)

    /// A `(rows, C, frames, V)` tensor whose entry is `1000·row + 100·c + 10·position + joint`.
    func numbered(rows: Int, frames: Int) -> Tensor {
        var t = Tensor(shape: [rows, channels, frames, joints])
        for r in 0..<rows { for c in 0..<channels { for p in 0..<frames { for v in 0..<joints {
            t.scalars[((r * channels + c) * frames + p) * joints + v] = Float(1000 * r + 100 * c + 10 * p + v)
        } } } }
        return t
    }

    func value(_ t: Tensor, c: Int, p: Int, v: Int) -> Float { t.scalars[(c * t.shape[2] + p) * joints + v] }

    /// Pieces from batch rows and from a shifted earlier output land on the right positions,
    /// in any order of taking; positions no piece covers are zero.
    func testPiecesFromRowsAndAnEarlierOutputMakeTheDenseOutput() {
        let batch = numbered(rows: 2, frames: 6)
        var earlier = WindowBlockOutput(channels: channels, frames: 8, joints: joints)
        earlier.take(5..<8, fromRow: 1, of: batch, sourcePosition: 2)   // earlier p = row-1 position p − 3
        earlier.take(0..<4, fromRow: 0, of: batch, sourcePosition: 1)   // earlier p = row-0 position p + 1
        XCTAssertEqual(earlier.pieces.map(\.positions), [0..<4, 5..<8], "kept sorted")
        var current = WindowBlockOutput(channels: channels, frames: 8, joints: joints)
        current.take(6..<8, fromRow: 0, of: batch, sourcePosition: 0)
        current.take(1..<6, from: earlier, shift: 2)                      // current p = earlier p + 2
        let dense = current.dense()
        XCTAssertEqual(dense.shape, [1, channels, 8, joints])
        for c in 0..<channels { for v in 0..<joints {
            let base = Float(100 * c + v)
            XCTAssertEqual(value(dense, c: c, p: 0, v: v), 0, "not covered")
            XCTAssertEqual(value(dense, c: c, p: 1, v: v), base + 10 * 4, "earlier 3 = row 0 position 4")
            XCTAssertEqual(value(dense, c: c, p: 2, v: v), 0, "earlier 4 not covered")
            for p in 3...5 { XCTAssertEqual(value(dense, c: c, p: p, v: v), 1000 + base + 10 * Float(p + 2 - 3), "earlier \(p + 2)") }
            for p in 6...7 { XCTAssertEqual(value(dense, c: c, p: p, v: v), base + 10 * Float(p - 6)) }
        } }
    }

    /// `write` copies a range into a strided destination and leaves uncovered positions alone.
    func testWriteFillsOnlyTheCoveredPositionsOfTheRange() {
        var output = WindowBlockOutput(channels: channels, frames: 5, joints: joints)
        output.take(2..<4, fromRow: 0, of: numbered(rows: 1, frames: 4), sourcePosition: 1)
        let stride = 10
        var out = [Float](repeating: -1, count: channels * stride)
        out.withUnsafeMutableBufferPointer { output.write(1..<5, into: $0.baseAddress!, channelStride: stride) }
        for c in 0..<channels {
            let row = Array(out[(c * stride)..<(c * stride + 8)])
            let b = Float(100 * c)
            XCTAssertEqual(row, [-1, -1, b + 10, b + 11, b + 20, b + 21, -1, -1], "channel \(c)")
            XCTAssertEqual(Array(out[(c * stride + 8)..<(c * stride + 10)]), [-1, -1])
        }
    }

    /// A dense output is one piece and comes back without a copy of different values.
    func testDenseRoundTrip() {
        var tensor = numbered(rows: 1, frames: 3)
        let output = WindowBlockOutput(dense: tensor)
        XCTAssertEqual(output.pieces.count, 1)
        XCTAssertEqual(output.dense(), tensor)
        tensor.scalars[0] = 42
        XCTAssertNotEqual(output.dense(), tensor, "the output holds its own value, not a view of the variable")
    }

    /// Positions taken from a batch row get a tensor of their own (the batch's other rows are
    /// not kept alive), and so does a piece copied from an earlier output once it uses less
    /// than half of its source; a piece using most of it is shared, not copied.
    func testPiecesKeepAtMostTwiceWhatTheyHold() {
        let batch = numbered(rows: 4, frames: 10)
        var earlier = WindowBlockOutput(channels: channels, frames: 10, joints: joints)
        earlier.take(0..<10, fromRow: 2, of: batch, sourcePosition: 0)
        XCTAssertEqual(earlier.pieces[0].source.count, channels * 10 * joints, "one row, not the batch")
        let single = numbered(rows: 1, frames: 10)
        var whole = WindowBlockOutput(channels: channels, frames: 10, joints: joints)
        whole.take(0..<10, fromRow: 0, of: single, sourcePosition: 0)
        func storage(_ t: Tensor) -> UnsafePointer<Float>? { t.scalars.withUnsafeBufferPointer { $0.baseAddress } }
        XCTAssertEqual(storage(whole.pieces[0].source), storage(single), "a source that is exactly the positions is referenced")
        XCTAssertNotEqual(storage(earlier.pieces[0].source), storage(batch), "a row of a batch is copied")
        XCTAssertEqual(whole.dense(), single)
        var mostly = WindowBlockOutput(channels: channels, frames: 10, joints: joints)
        mostly.take(0..<8, from: earlier, shift: 2)
        XCTAssertEqual(mostly.pieces[0].source, earlier.pieces[0].source)
        var little = WindowBlockOutput(channels: channels, frames: 10, joints: joints)
        little.take(0..<4, from: earlier, shift: 6)
        XCTAssertEqual(little.pieces[0].source.shape, [1, channels, 4, joints])
        for (output, shift) in [(mostly, 2), (little, 6)] {
            let dense = output.dense()
            for c in 0..<channels { for p in 0..<(10 - shift) where p < output.pieces[0].positions.upperBound {
                XCTAssertEqual(value(dense, c: c, p: p, v: 1), Float(2000 + 100 * c + 10 * (p + shift) + 1))
            } }
        }
    }
}
