import JSONCore

/// The agents every simulator has, written in the `--agents` file format so the built-ins exercise the same loader.
///
/// Ids are fixed forever: scripts and tests hard-code them. `echo` uses the agent id of the operations guide's
/// examples, so those run unchanged.
public enum BuiltInAgents {
    /// The built-in agents in catalog order.
    public static let all: [Scenario] = {
        do {
            return try ScenarioFile.parse(try JSONParser().parse(document), file: "built-in agents")
        } catch {
            preconditionFailure("built-in agents are invalid: \(error)")
        }
    }()

    /// Agent ids by name, for tests and docs.
    public static func id(named name: String) -> String? { all.first { $0.name == name }?.id }

    static let document = """
        [
          {"id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "name": "echo",
           "description": "Answers each user message by echoing it, then completes; a new message resumes it.",
           "steps": [
             {"say": "Hi, I am echo. I repeat every message you send me."},
             {"echo_user": true},
             {"say": "That is all for now; send me another message and I will echo it too."},
             {"finish": "completed"}],
           "on_message": [{"echo_user": true}, {"finish": "completed"}]},
          {"id": "3f1c2a9e-5b7d-4e21-9a8c-1d2e3f4a5b60", "name": "approval",
           "description": "Asks for approval before sending a report; completes either way, saying what it did.",
           "steps": [
             {"say": "I prepared the weekly sales report."},
             {"tool": "load_recipients", "arguments": {"list": "sales-weekly"}, "result": {"recipients": 3}},
             {"ask_approval": {"title": "Send the weekly sales report?",
                               "description": "Emails the PDF report to the 3 recipients of the sales-weekly list."},
              "approved": [
                {"tool": "send_email", "arguments": {"list": "sales-weekly", "attachment": "report.pdf"},
                 "result": {"sent": 3}},
                {"say": "Approved: I sent the report to 3 recipients."},
                {"finish": "completed"}],
              "denied": [
                {"say": "Denied: I did not send the report; it stays in drafts."},
                {"finish": "completed"}]}]},
          {"id": "8b2d4f6a-1c3e-4a5b-8d7f-9e0a1b2c3d41", "name": "questions",
           "description": "Asks two structured questions (one multi-select with options); completes with a summary.",
           "steps": [
             {"say": "Let me plan the team offsite."},
             {"ask_questions": {"title": "Offsite details", "description": "Two questions before I book anything.",
               "questions": [
                 {"question": "Which city should the offsite be in?", "header": "City", "multi_select": false,
                  "options": [{"label": "Lisbon", "description": "Warm, direct flights"}, {"label": "Prague"},
                              {"label": "Berlin"}]},
                 {"question": "Which days work for you?", "header": "Days", "multi_select": true,
                  "options": [{"label": "Monday"}, {"label": "Tuesday"}, {"label": "Wednesday"},
                              {"label": "Thursday"}, {"label": "Friday"}]}]}},
             {"say": "Summary of your answers: {{answers}}. I will book accordingly."},
             {"tool": "book_venue", "arguments": {"attendees": 12}, "result": {"booked": true}},
             {"finish": "completed"}]},
          {"id": "c4e6a8b0-2d4f-4b6d-8f0a-2c4e6a8b0d52", "name": "flaky",
           "description": "A tool fails twice, then succeeds on the third attempt; completes (a medium issue).",
           "steps": [
             {"say": "Fetching today's orders."},
             {"tool": "fetch_orders", "arguments": {"date": "today"}, "fail_times": 2, "retries": 3,
              "error": "fetch_orders failed: connection reset by the orders service", "result": {"orders": 42}},
             {"say": "Fetched 42 orders (after 2 failed attempts)."},
             {"finish": "completed"}]},
          {"id": "d5f7b9c1-3e5a-4c7e-9a1b-3d5f7b9c1e63", "name": "failing",
           "description": "A tool fails on every attempt until its retries run out; the run fails (a critical issue).",
           "steps": [
             {"say": "Charging this month's invoices."},
             {"tool": "charge_card", "arguments": {"invoice": "INV-2041"}, "fail_times": 100, "retries": 3,
              "error": "charge_card failed: payment gateway returned 502 Bad Gateway"}]},
          {"id": "e6a8c0d2-4f6b-4d8f-8b2c-4e6a8c0d2f74", "name": "slow",
           "description": "Works for about 3 minutes with a message every 5 seconds; for stop and --follow.",
           "steps": [
             {"say": "Starting a long export (about 3 minutes)."},
             {"repeat": 35, "steps": [{"say": "Exported batch {{n}} of 35.", "after_s": 5}]},
             {"say": "Export finished."},
             {"finish": "completed"}]},
          {"id": "f7b9d1e3-5a7c-4e9a-9c3d-5f7b9d1e3a85", "name": "chatty",
           "description": "Writes 300 short messages quickly, then completes; for paging through messages.",
           "steps": [
             {"say": "Here comes a lot of output."},
             {"repeat": 300, "steps": [{"say": "Line {{n}} of 300.", "after_s": 0.1}]},
             {"finish": "completed"}]},
          {"id": "0a1c3e5f-6b8d-4f0b-8d4e-6a0c2e4f6b96", "name": "interrupted",
           "description": "Starts working, then ends interrupted (a low issue); a message resumes it.",
           "steps": [
             {"say": "Processing the support inbox."},
             {"tool": "read_inbox", "arguments": {"folder": "support"}, "result": {"unread": 17}},
             {"say": "The sandbox is shutting down; stopping here.", "after_s": 3},
             {"finish": "interrupted"}]}
        ]
        """
}
