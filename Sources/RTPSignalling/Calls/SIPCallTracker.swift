import RTPCaptures

/// Groups the SIP messages of a capture into calls by Call-ID, and keeps what their offers and
/// answers say about the RTP sent to each address and port, so that a stream can be read with
/// the payload types its call declared (``binding(forDestination:at:)``).
///
/// Each SDP binds every media description it has (with a non-zero port and a literal address)
/// to the payload types it declares from the capture time of its message on: a re-INVITE or an
/// UPDATE replaces what an earlier SDP said for the same address and port from its own time.
/// At most ``maximumCalls`` calls and ``maximumBindingsPerCall`` bindings per call are kept;
/// what is over is counted.
public struct SIPCallTracker: Sendable {
  /// The most calls kept.
  public static let maximumCalls = 100_000
  /// The most bindings kept per call.
  public static let maximumBindingsPerCall = 256

  /// The calls, in the order of their first message.
  public private(set) var calls: [SIPCall] = []
  private var callIndex: [String: Int] = [:]
  /// Bindings by destination, in capture order: (call index, binding index).
  private var bindingsByDestination: [Endpoint: [(call: Int, binding: Int)]] = [:]

  /// Messages without a Call-ID, passed over.
  public private(set) var messagesWithoutCallID = 0
  /// Bodies declared `application/sdp` that were not SDP.
  public private(set) var malformedSessionDescriptions = 0
  /// Malformed lines inside the session descriptions read (skipped).
  public private(set) var malformedSDPLines = 0
  /// Multipart bodies passed over (SDP inside one is not read).
  public private(set) var multipartBodiesSkipped = 0
  /// Messages of calls past ``maximumCalls`` and bindings past ``maximumBindingsPerCall``,
  /// passed over.
  public private(set) var droppedOverBounds = 0

  /// A tracker with no calls.
  public init() {}

  /// Adds one message: to its call, and its SDP to the bindings.
  public mutating func add(_ captured: CapturedSIPMessage) {
    let message = captured.message
    guard let callID = message.callID, !callID.isEmpty else {
      messagesWithoutCallID += 1
      return
    }
    let index: Int
    if let known = callIndex[callID] {
      index = known
    } else {
      guard calls.count < Self.maximumCalls else {
        droppedOverBounds += 1
        return
      }
      index = calls.count
      callIndex[callID] = index
      var call = SIPCall(callID: callID, firstMessageTime: captured.timestamp)
      call.from = message.from
      call.to = message.to
      calls.append(call)
    }
    record(captured, in: &calls[index])
    readSessionDescription(of: captured, callIndex: index)
  }

  /// Adds messages in order.
  public mutating func add(_ messages: [CapturedSIPMessage]) {
    for message in messages { add(message) }
  }

  /// The call with this Call-ID.
  public func call(withID callID: String) -> SIPCall? {
    callIndex[callID].map { calls[$0] }
  }

  /// The binding that applies to RTP sent to `destination` at capture time `time`: the one of
  /// the latest SDP before it for that address and port, or, for RTP seen before any SDP named
  /// it, the earliest. `nil` when no SDP named the endpoint.
  public func binding(forDestination destination: Endpoint, at time: Int64) -> SIPMediaBinding? {
    guard let entries = bindingsByDestination[destination], let first = entries.first else {
      return nil
    }
    // The latest SDP at or before `time` (of two at one time, the one added last); else the
    // earliest of all.
    var chosen: (call: Int, binding: Int)?
    var chosenSince = Int64.min
    var earliest = first
    for entry in entries {
      let since = calls[entry.call].media[entry.binding].since
      if since <= time, chosen == nil || since >= chosenSince {
        chosen = entry
        chosenSince = since
      }
      if since < calls[earliest.call].media[earliest.binding].since { earliest = entry }
    }
    let result = chosen ?? earliest
    return calls[result.call].media[result.binding]
  }

  /// The call whose SDP covers RTP sent to `destination` at `time`, as ``binding(forDestination:at:)``.
  public func call(forDestination destination: Endpoint, at time: Int64) -> SIPCall? {
    binding(forDestination: destination, at: time).flatMap { call(withID: $0.callID) }
  }

  /// Every endpoint some SDP named as a destination of RTP, in no particular order.
  public var destinations: [Endpoint] { Array(bindingsByDestination.keys) }

  private func record(_ captured: CapturedSIPMessage, in call: inout SIPCall) {
    let message = captured.message
    let time = captured.timestamp
    call.messageCount += 1
    if call.to?.tag == nil, let to = message.to, to.tag != nil { call.to = to }
    if call.from == nil { call.from = message.from }
    switch message.startLine {
    case .request(let method, _):
      switch method.uppercased() {
      case "INVITE":
        if call.inviteTime == nil {
          call.inviteTime = time
        } else if message.to?.tag != nil {
          // An INVITE with a To tag is inside the dialog; a retransmission of the first has none.
          call.reinviteTimes.append(time)
        }
      case "ACK":
        if call.ackTime == nil { call.ackTime = time }
      case "BYE":
        if call.byeTime == nil { call.byeTime = time }
      default:
        break
      }
    case .response(let code, _):
      let method = message.cseq?.method.uppercased()
      if method == "INVITE" {
        if (100...199).contains(code) {
          if call.provisionalTime == nil { call.provisionalTime = time }
        } else {
          if call.finalStatus == nil { call.finalStatus = code }
          if (200...299).contains(code), call.answerTime == nil { call.answerTime = time }
        }
      } else if method == "BYE", code >= 200, call.endTime == nil {
        call.endTime = time
      }
    }
  }

  private mutating func readSessionDescription(
    of captured: CapturedSIPMessage, callIndex index: Int
  ) {
    let message = captured.message
    if message.hasMultipartBody {
      multipartBodiesSkipped += 1
      return
    }
    let description: SessionDescription
    do {
      guard let parsed = try message.sessionDescription() else { return }
      description = parsed
    } catch {
      malformedSessionDescriptions += 1
      return
    }
    bind(
      description, callIndex: index, at: captured.timestamp, inRequest: message.isRequest,
      author: captured.source)
  }

  /// Adds a session description that came without signalling (a plain SDP file, as
  /// `--sdp FILE` gives it) as a call of its own named `callID`: its media bind their
  /// endpoints from capture time `time` on (`Int64.min` for the whole capture), as an SDP in a
  /// SIP message would.
  public mutating func add(
    _ description: SessionDescription, callID: String, at time: Int64 = .min
  ) {
    let index: Int
    if let known = callIndex[callID] {
      index = known
    } else {
      guard calls.count < Self.maximumCalls else {
        droppedOverBounds += 1
        return
      }
      index = calls.count
      callIndex[callID] = index
      calls.append(SIPCall(callID: callID, firstMessageTime: time))
    }
    let author =
      description.origin?.connection.ipAddress.map { Endpoint(address: $0, port: 0) }
      ?? Endpoint(address: .v4(.any), port: 0)
    bind(description, callIndex: index, at: time, inRequest: false, author: author)
  }

  private mutating func bind(
    _ description: SessionDescription, callIndex index: Int, at time: Int64, inRequest: Bool,
    author: Endpoint
  ) {
    let callID = calls[index].callID
    malformedSDPLines += description.malformedLines
    for media in description.media {
      guard let destination = media.receiveEndpoint(sessionConnection: description.connection)
      else { continue }
      guard calls[index].media.count < Self.maximumBindingsPerCall else {
        droppedOverBounds += 1
        continue
      }
      var rtcp = Endpoint(address: destination.address, port: destination.port &+ 1)
      if media.rtcpMux {
        rtcp = destination
      } else if let attribute = media.rtcp {
        rtcp = Endpoint(
          address: attribute.connection?.ipAddress ?? destination.address, port: attribute.port)
      }
      let binding = SIPMediaBinding(
        callID: callID, destination: destination, rtcpDestination: rtcp, media: media.media,
        mappings: media.payloadTypeMappings, direction: media.direction, crypto: media.crypto,
        since: time, inRequest: inRequest, author: author)
      bindingsByDestination[destination, default: []].append(
        (index, calls[index].media.count))
      calls[index].media.append(binding)
    }
  }
}
