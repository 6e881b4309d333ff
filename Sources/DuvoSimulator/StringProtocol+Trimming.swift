extension StringProtocol {
    /// The text without `character` at either end.
    func trimming(_ character: Character) -> String {
        var result = Substring(self)
        while result.first == character { result = result.dropFirst() }
        while result.last == character { result = result.dropLast() }
        return String(result)
    }
}
