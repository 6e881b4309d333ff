import JSONCore
import Testing

@testable import DuvoMCP

@Suite("Tool schemas and waits that suit the agent frameworks")
struct ToolSchemaTests {
    private let catalog = ToolCatalog(options: MCPOptions())

    @Test("every optional argument admits null (strict mode makes all required); required ones do not")
    func optionalsAreNullable() throws {
        for tool in catalog.all {
            let required = Set((tool.inputSchema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            for (name, property) in tool.inputSchema["properties"]?.objectValue ?? [:] {
                let type = property["type"]
                let nullable = type?.arrayValue?.contains("null") == true
                    || property["anyOf"]?.arrayValue?.contains(["type": "null"]) == true
                #expect(nullable == !required.contains(name), "\(tool.name).\(name)")
                if let values = property["enum"]?.arrayValue { #expect(values.contains(.null), "\(tool.name).\(name)") }
                #expect(property["default"] == nil, "\(tool.name).\(name): Azure's strict mode refuses defaults")
                if let format = property["format"]?.stringValue {
                    #expect(JSONValue.strictFormats.contains(format), "\(tool.name).\(name): strict mode refuses it")
                }
            }
        }
    }

    @Test("defaults and formats strict mode refuses are said in the description instead")
    func annotationsInDescriptions() throws {
        let start = try #require(catalog.all.first { $0.name == "duvo_start_run" })
        #expect(start.inputSchema["properties"]?["webhook_url"]?["description"]?.stringValue?.hasSuffix("Format: uri.")
            == true)
        let messages = try #require(catalog.all.first { $0.name == "duvo_list_messages" })
        #expect(messages.inputSchema["properties"]?["offset"]?["description"] == "Messages to skip. Default: 0.")
    }

    @Test("respond's answers is a list of {question, answer} items, with no open map")
    func answersIsAList() throws {
        let tool = try #require(catalog.all.first { $0.name == "duvo_respond_to_human_request" })
        let answers = try #require(tool.inputSchema["properties"]?["answers"])
        #expect(answers["type"] == ["array", "null"])
        #expect(answers["anyOf"] == nil)
        #expect(answers["items"]?["additionalProperties"] == false)
        #expect(answers["items"]?["required"] == ["question", "answer"])
        #expect(!tool.inputSchema.jsonString.contains(#""additionalProperties":{"#))
    }

    @Test("a cancelled wait caps later waits at 70% of the time it lasted, never under half a second")
    func patience() async {
        let session = MCPSession()
        #expect(session.waitCap == nil)
        #expect(session.noteCancelledWait(after: .seconds(5)))
        #expect(session.waitCap == 3.5)
        #expect(!session.noteCancelledWait(after: .seconds(8)), "a longer wait shows no less patience")
        #expect(session.waitCap == 3.5)
        #expect(session.noteCancelledWait(after: .milliseconds(200)))
        #expect(session.waitCap == 0.5)
    }
}
