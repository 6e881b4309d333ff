import DuvoBridge
import JSONCore

/// The MCP tools, derived from the bridge's method table and the OpenRPC document (there is no second list), and
/// the ones the options let this server offer.
struct ToolCatalog: Sendable {
    /// Every tool, in method table order.
    let all: [ToolDefinition]
    /// The tools offered: read-only ones with `--read-only`, then `--tools`, then `--exclude-tools`.
    let enabled: [ToolDefinition]

    /// The catalog for `options`.
    init(options: MCPOptions) {
        all = MethodTable.tools.map { Self.definition(of: $0, options: options) }
        enabled = all.filter { tool in
            (!options.readOnly || tool.traits.readOnly)
                && (options.include?.contains(tool.name) ?? true)
                && !options.exclude.contains(tool.name)
        }
    }

    /// Whether runs may be answered as tasks: only when `duvo_start_run` is offered.
    var offersTasks: Bool { tool(named: TaskRun.startTool) != nil }

    /// The offered tool called `name`.
    func tool(named name: String) -> ToolDefinition? {
        enabled.first { $0.name == name }
    }

    private static func definition(of tool: MethodTable.Tool, options: MCPOptions) -> ToolDefinition {
        let adaptation = ToolAdaptation.of(tool.method, options: options)
        let entry = OpenRPCDocument.method(tool.method)
        let summary = adaptation.summary ?? entry?["summary"]?.stringValue ?? tool.name
        var input = OpenRPCDocument.paramsSchema(for: tool.method) ?? ["type": "object", "properties": [:]]
        input = input.removingProperties(adaptation.removedParams)
        for (name, position) in adaptation.narrowedParams {
            input = input.narrowingProperty(name, toAlternative: position)
        }
        for (name, changes) in adaptation.changedParams {
            input = input.updatingProperty(name, with: changes)
        }
        input = input.addingProperties(adaptation.addedParams).nullableOptionals().withAnnotationsInDescriptions()
            .droppingEmptyRequired()
        var output = (OpenRPCDocument.resultSchema(for: tool.method) ?? ["type": "object"])
            .removingProperties(adaptation.removedResultFields)
            .addingProperties(adaptation.addedResultFields, required: adaptation.addedResultFields.keys.sorted())
            .droppingEmptyRequired()
        if let text = output["description"]?.stringValue {
            let kept = Self.sentences(of: text, notMentioning: adaptation.removedParams)
            output["description"] = kept.isEmpty ? JSONValue?.none : .string(kept)
        }
        var description = [summary]
        if adaptation.keepsMethodDescription, let text = entry?["description"]?.stringValue {
            description.append(Self.sentences(of: text, notMentioning: adaptation.removedParams))
        }
        if !adaptation.hint.isEmpty { description.append(adaptation.hint) }
        return ToolDefinition(
            name: tool.name, method: tool.method, title: Self.title(from: summary),
            description: description.filter { !$0.isEmpty }.joined(separator: " "), inputSchema: input,
            outputSchema: output, traits: tool.traits, adaptation: adaptation, runMethod: tool.run)
    }

    /// The summary as a title: without its closing period.
    private static func title(from summary: String) -> String {
        summary.hasSuffix(".") ? String(summary.dropLast()) : summary
    }

    /// The sentences of `text` that do not name a param the tool dropped (they would describe an argument the
    /// model cannot pass).
    private static func sentences(of text: String, notMentioning removed: [String]) -> String {
        guard !removed.isEmpty else { return text }
        let sentences = text.split(separator: ". ", omittingEmptySubsequences: true).map(String.init)
        let kept = sentences.filter { sentence in
            let words = Set(sentence.split(whereSeparator: { !$0.isLetter && $0 != "_" }).map(String.init))
            return removed.allSatisfy { !words.contains($0) }
        }
        return kept.map { $0.hasSuffix(".") ? $0 : $0 + "." }.joined(separator: " ")
    }
}
