/// `notifications/initialized`: the client's end of the handshake; the session records it.
enum InitializedNotification {
    static let name = "notifications/initialized"
}
