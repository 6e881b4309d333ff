import HTTPServer
import JSONCore

/// Builds JSON answers; keys are sorted so output is stable for people and golden tests.
enum JSONResponse {
    private static let writer = JSONWriter(sortedKeys: true)

    /// `value` with `status` and a JSON content type.
    static func make(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "application/json; charset=utf-8"], body: writer.bytes(value))
    }

    /// The error body `{"error", "message"}` with the error's status and headers.
    static func error(_ error: APIError) -> HTTPResponse {
        var response = make(error.status, ["error": .string(error.code), "message": .string(error.message)])
        for field in error.headers { response.headers.set(field.name, field.value) }
        return response
    }
}
