/// The names of the run methods, read from their types, for MCP, which adapts and summarises each method's tool:
/// it names a method through here, never by a string of its own, so a method renamed is renamed for it too.
package enum MethodNames {
    package static let start = StartRun.name
    package static let get = GetRun.name
    package static let messages = ListMessages.name
    package static let sendMessage = SendMessage.name
    package static let respond = RespondToHumanRequest.name
    package static let stop = StopRun.name
    package static let list = ListRuns.name
    package static let wait = WaitForRun.name
    package static let stats = RunStats.name
}
