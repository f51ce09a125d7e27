/// The version every tool prints for `--version`, kept in one place.
public enum ToolVersion {
  public static let current = "0.1.0"
}
