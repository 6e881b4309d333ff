import JSONCore

/// A run and the human request it waits on: `GET /runs/{id}`'s answer, and `runs/get`'s result.
package struct RunRead: DuvoModel {
    package static let kind = "answer"

    package var run: Run
    /// The request the run waits on; nil when none (written as `null`, which `runs/get` always carries).
    package var pendingHumanRequest: HumanRequest?
    package var extra: [String: JSONValue]

    package init(run: Run, pendingHumanRequest: HumanRequest? = nil, extra: [String: JSONValue] = [:]) {
        self.run = run
        self.pendingHumanRequest = pendingHumanRequest
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        run = try reader.model("run", Run.self)
        pendingHumanRequest = try reader.optionalModel("pending_human_request", HumanRequest.self)
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("run", run)
        writer.set("pending_human_request", pendingHumanRequest?.json ?? .null)
        return writer.json
    }
}
