import ArgumentParser
import RTPPlayout

extension ConcealmentMode: ExpressibleByArgument {}
