import Foundation
import JSONCore

/// Reads custom agents from a JSON file (`duvo sim --agents FILE`).
///
/// The file is an array of agents; see `schema/sim-agents.example.json` for every step kind. Unknown keys are
/// errors, so a typo is reported instead of silently ignored.
public enum ScenarioFile {
    /// Loads and validates the agents in the file at `path`.
    /// - Throws: ``ScenarioFileError`` naming the file, the location inside it and what is expected.
    public static func load(path: String) throws(ScenarioFileError) -> [Scenario] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioFileError(file: path, location: "", reason: "cannot read the file")
        }
        let document: JSONValue
        do {
            document = try JSONParser().parse(data)
        } catch {
            throw ScenarioFileError(file: path, location: "", reason: "not valid JSON: \(error)")
        }
        return try parse(document, file: path)
    }

    /// Validates agents from an already parsed document; `file` names it in errors.
    public static func parse(_ document: JSONValue, file: String) throws(ScenarioFileError) -> [Scenario] {
        let reader = ScenarioReader(file: file)
        return try reader.agents(document)
    }
}

/// Walks a scenario document, keeping the path for error messages.
struct ScenarioReader {
    let file: String

    func fail(_ path: String, _ reason: String) -> ScenarioFileError {
        ScenarioFileError(file: file, location: path, reason: reason)
    }

    func agents(_ document: JSONValue) throws(ScenarioFileError) -> [Scenario] {
        guard let list = document.arrayValue else { throw fail("", "the top level must be an array of agents") }
        var result: [Scenario] = []
        for (index, item) in list.enumerated() {
            result.append(try agent(item, path: "[\(index)]"))
        }
        return result
    }

    func agent(_ value: JSONValue, path: String) throws(ScenarioFileError) -> Scenario {
        let object = try self.object(
            value, path: path,
            allowed: ["id", "name", "description", "human_in_the_loop", "steps", "on_message"])
        let name = try string(object["name"], path: path + ".name")
        guard !name.isEmpty else { throw fail(path + ".name", "must not be empty") }
        let description = try string(object["description"], path: path + ".description")
        var id = Scenario.derivedUUID(from: "agent:" + name)
        if let given = object["id"] {
            id = try string(given, path: path + ".id")
            guard UUIDFormat.isValid(id) else {
                throw fail(path + ".id", "must be a UUID such as \(Scenario.derivedUUID(from: name))")
            }
        }
        var humanInTheLoop: Bool?
        if let flag = object["human_in_the_loop"] {
            guard let bool = flag.boolValue else { throw fail(path + ".human_in_the_loop", "must be true or false") }
            humanInTheLoop = bool
        }
        let steps = try self.steps(object["steps"], path: path + ".steps")
        let onMessage = try object["on_message"].map { value throws(ScenarioFileError) in
            try self.steps(value, path: path + ".on_message")
        }
        for (list, key) in [(steps, "steps"), (onMessage ?? [], "on_message")]
        where Self.expandedCount(list) > Self.maxExpandedSteps {
            throw fail(path + "." + key, "repeats that expand to more than \(Self.maxExpandedSteps) steps")
        }
        return Scenario(
            id: id, name: name, description: description, humanInTheLoop: humanInTheLoop, steps: steps,
            onMessage: onMessage)
    }

    /// The most steps an agent's script may take once its repeats are unrolled: a run's steps are played while the
    /// run store is locked, so a script of nested repeats must not run without end.
    static let maxExpandedSteps = 1_000_000

    /// How many steps `steps` take with every repeat unrolled (both branches of an approval counted), at most one
    /// more than ``maxExpandedSteps``.
    static func expandedCount(_ steps: [ScenarioStep]) -> Int {
        var total = 0
        for step in steps {
            switch step {
            case .repeatSteps(let count, let inner):
                total += count * min(expandedCount(inner), maxExpandedSteps + 1)
            case .askApproval(_, let approved, let denied, _):
                total += 1 + expandedCount(approved) + expandedCount(denied)
            default:
                total += 1
            }
            if total > maxExpandedSteps { return maxExpandedSteps + 1 }
        }
        return total
    }

    func steps(_ value: JSONValue?, path: String) throws(ScenarioFileError) -> [ScenarioStep] {
        guard let list = value?.arrayValue else { throw fail(path, "must be an array of steps") }
        var result: [ScenarioStep] = []
        for (index, item) in list.enumerated() {
            result.append(try ScenarioStepReader(reader: self).step(item, path: "\(path)[\(index)]"))
        }
        return result
    }

    func object(_ value: JSONValue?, path: String, allowed: Set<String>) throws(ScenarioFileError) -> [String:
        JSONValue]
    {
        guard let object = value?.objectValue else { throw fail(path, "must be an object") }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw fail(path, "unknown key '\(unknown)'; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        return object
    }

    func string(_ value: JSONValue?, path: String) throws(ScenarioFileError) -> String {
        guard let value else { throw fail(path, "is required (a string)") }
        guard let text = value.stringValue else { throw fail(path, "must be a string, not \(value.kindDescription)") }
        return text
    }

    func optionalString(_ value: JSONValue?, path: String) throws(ScenarioFileError) -> String? {
        guard let value, !value.isNull else { return nil }
        return try string(value, path: path)
    }

    func integer(_ value: JSONValue?, path: String, default fallback: Int, range: ClosedRange<Int>)
        throws(ScenarioFileError) -> Int
    {
        guard let value else { return fallback }
        guard let int = value.intValue, range.contains(int) else {
            throw fail(path, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return int
    }

    func seconds(_ value: JSONValue?, path: String, default fallback: Double) throws(ScenarioFileError) -> Double {
        guard let value else { return fallback }
        guard let number = value.doubleValue, number >= 0, number <= 86_400 else {
            throw fail(path, "must be a number of seconds from 0 to 86400")
        }
        return number
    }
}
