// RTPCore is the whole library in one import: every layer, re-exported. A program that needs
// only part of it imports that layer's module instead (see the README's Architecture section).
@_exported import RTPAnalysis
@_exported import RTPAudio
@_exported import RTPBase
@_exported import RTPCaptures
@_exported import RTPCodecs
@_exported import RTPGeneration
@_exported import RTPIO
@_exported import RTPNetwork
@_exported import RTPPackets
@_exported import RTPPlayout
@_exported import RTPSecurity
@_exported import RTPSessions
@_exported import RTPSignalling
