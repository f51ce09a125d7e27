import ArgumentParser
import RTPNetwork

extension PacingMode: ExpressibleByArgument {}
