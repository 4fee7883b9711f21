import XCTest
final class PlaceholderSTGCNCLITests: XCTestCase { func testNothing() {} }
