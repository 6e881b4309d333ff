import DuvoBridge
import Foundation
import JSONCore
import Testing
import TestSupport

/// The method table and the OpenRPC document cannot drift apart.
@Suite("OpenRPC contract")
struct ContractTests {
    let file = PackagePaths.root.appendingPathComponent("schema/openrpc.json")

    @Test("the embedded document is byte for byte schema/openrpc.json (run schema/embed after editing it)")
    func embedded() throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(OpenRPCDocument.text == text.trimmingCharacters(in: .newlines))
    }

    @Test("the document describes exactly the methods of the method table")
    func sameMethods() throws {
        let document = try JSONParser().parse(Data(contentsOf: file))
        let documented = (document["methods"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(documented.sorted() == MethodTable.names.sorted())
        for name in MethodTable.names where name != "rpc.discover" {
            #expect(OpenRPCDocument.resultSchema(for: name) != nil, "\(name) has a result schema")
            #expect(OpenRPCDocument.paramsSchema(for: name)?["properties"] != nil, "\(name) has params")
        }
    }
}
