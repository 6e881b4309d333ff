import JSONCore
import TestSupport
import Testing

/// Asserts that a response has the expected status (and error code) and matches Duvo's OpenAPI schema for that status.
struct SchemaCheck {
    let validator: OpenAPISchemaValidator

    init() throws {
        validator = try OpenAPISchemaValidator()
    }

    func expect(
        _ response: HTTPTestResponse, _ method: String, _ template: String, status: Int, code: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == status, "\(method) \(template): \(response.text)", sourceLocation: sourceLocation)
        if let code {
            #expect(response.json["error"]?.stringValue == code, "\(response.text)", sourceLocation: sourceLocation)
            #expect(response.json["message"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
        }
        #expect(response.headers["content-type"]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        let problems = validator.validateResponse(
            response.json, path: template, method: method, status: response.status)
        #expect(problems.isEmpty, "\(problems) in \(response.text)", sourceLocation: sourceLocation)
    }
}
