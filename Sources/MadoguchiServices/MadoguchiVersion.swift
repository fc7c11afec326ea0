/// The release shown in the footer, `/healthz` and `madoguchi version`.
public enum MadoguchiVersion {
    public static let current = "0.1.0"
}
