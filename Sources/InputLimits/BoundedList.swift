/// A list written into a one-line message, shortened so that a hostile input cannot make the
/// message large: the first `InputLimits.maximumListedItems` items, then "… and N more".
public enum BoundedList {
    /// `items` joined by ", ", at most `limit` of them, then "… and N more" (N with thousands separators).
    public static func describe<C: Collection>(_ items: C, limit: Int = InputLimits.maximumListedItems,
                                               _ describe: (C.Element) -> String = { "\($0)" }) -> String {
        let shown = items.prefix(max(0, limit)).map(describe).joined(separator: ", ")
        let rest = items.count - min(items.count, max(0, limit))
        guard rest > 0 else { return shown }
        return shown + (shown.isEmpty ? "" : ", ") + "… and \(InputLimits.grouped(rest)) more"
    }
}
