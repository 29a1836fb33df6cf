/// Writes a count with its noun in the number it takes, such as `1 item` or `2 items`, for nouns whose plural
/// adds an s.
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
