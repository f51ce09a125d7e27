/// One call as its SIP messages show it: the messages sharing a Call-ID, who called whom, when
/// it was set up and torn down, and what its SDP said about its media.
public struct SIPCall: Sendable, Hashable {
  /// The Call-ID.
  public var callID: String
  /// The From of the first message (with the caller's tag).
  public var from: SIPNameAddress?
  /// The To of the first message, with the callee's tag once a response gave it.
  public var to: SIPNameAddress?
  /// Capture time of the first message of the call (nanoseconds since the Unix epoch).
  public var firstMessageTime: Int64
  /// Capture time of the first INVITE (the one that set the call up).
  public var inviteTime: Int64?
  /// Capture time of the first provisional (1xx) response to an INVITE.
  public var provisionalTime: Int64?
  /// Capture time of the first 2xx response to an INVITE: the call was answered.
  public var answerTime: Int64?
  /// The status code of the first final response to the first INVITE.
  public var finalStatus: Int?
  /// Capture time of the first ACK.
  public var ackTime: Int64?
  /// Capture times of the INVITEs sent within the dialog (re-INVITEs, which carry a To tag).
  public var reinviteTimes: [Int64]
  /// Capture time of the first BYE.
  public var byeTime: Int64?
  /// Capture time of the first final response to a BYE: the call is over.
  public var endTime: Int64?
  /// Messages of the call read.
  public var messageCount: Int
  /// What each SDP of the call said, one binding per media description with a port and a
  /// literal address, in capture order.
  public var media: [SIPMediaBinding]

  /// A call seen first at `time`, with nothing recorded yet.
  public init(callID: String, firstMessageTime time: Int64) {
    self.callID = callID
    from = nil
    to = nil
    firstMessageTime = time
    inviteTime = nil
    provisionalTime = nil
    answerTime = nil
    finalStatus = nil
    ackTime = nil
    reinviteTimes = []
    byeTime = nil
    endTime = nil
    messageCount = 0
    media = []
  }
}
