/// Read access to several arrays at once for a kernel: one call that hands over a pointer to
/// each array's first element, instead of a pyramid of nested `withUnsafeBufferPointer` closures.
///
///     withReadPointers(dy.scalars, input.scalars, packedWeight) { dy, x, w in … }
///
/// The pointers are valid only inside `body`. An empty array gives a placeholder pointer that
/// must not be read (a kernel reads no element of an empty operand).
@inlinable
public func withReadPointers<A, B, Result>(
    _ a: [A], _ b: [B],
    _ body: (UnsafePointer<A>, UnsafePointer<B>) throws -> Result
) rethrows -> Result {
    try a.withUnsafeBufferPointer { a in
        try b.withUnsafeBufferPointer { b in try body(a.firstElement, b.firstElement) }
    }
}

/// `withReadPointers` for three arrays.
@inlinable
public func withReadPointers<A, B, C, Result>(
    _ a: [A], _ b: [B], _ c: [C],
    _ body: (UnsafePointer<A>, UnsafePointer<B>, UnsafePointer<C>) throws -> Result
) rethrows -> Result {
    try withReadPointers(a, b) { a, b in
        try c.withUnsafeBufferPointer { c in try body(a, b, c.firstElement) }
    }
}

/// `withReadPointers` for four arrays.
@inlinable
public func withReadPointers<A, B, C, D, Result>(
    _ a: [A], _ b: [B], _ c: [C], _ d: [D],
    _ body: (UnsafePointer<A>, UnsafePointer<B>, UnsafePointer<C>, UnsafePointer<D>) throws -> Result
) rethrows -> Result {
    try withReadPointers(a, b, c) { a, b, c in
        try d.withUnsafeBufferPointer { d in try body(a, b, c, d.firstElement) }
    }
}

/// `withReadPointers` for five arrays.
@inlinable
public func withReadPointers<A, B, C, D, E, Result>(
    _ a: [A], _ b: [B], _ c: [C], _ d: [D], _ e: [E],
    _ body: (UnsafePointer<A>, UnsafePointer<B>, UnsafePointer<C>, UnsafePointer<D>, UnsafePointer<E>) throws -> Result
) rethrows -> Result {
    try withReadPointers(a, b, c, d) { a, b, c, d in
        try e.withUnsafeBufferPointer { e in try body(a, b, c, d, e.firstElement) }
    }
}

extension UnsafeBufferPointer {
    /// The first element's address, or for an empty buffer an aligned placeholder never to be read.
    @usableFromInline
    var firstElement: UnsafePointer<Element> {
        baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Element>.alignment)!
    }
}
