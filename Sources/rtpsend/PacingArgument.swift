import ArgumentParser
import RTPCore

extension PacingMode: ExpressibleByArgument {}
