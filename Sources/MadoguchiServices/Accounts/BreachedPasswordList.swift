import Foundation
import MadoguchiDatabase
import MadoguchiDomain

/// Finds and opens the breached-password list (#13): `MADOGUCHI_PASSWORD_LIST` (plain or
/// `.gz`), else `fixtures/passwords/common-passwords.txt.gz` in the working directory or above
/// the program (a checkout), else `/usr/share/madoguchi/common-passwords.txt[.gz]`. A gzipped
/// list is unpacked once into the temporary folder (by `gzip -dc`, keyed by its size and
/// date) and memory-mapped from there.
public enum BreachedPasswordList {
    /// The list of this process, opened on first use; nil when none was found.
    public static let shared: CommonPasswords? = open()

    static func candidates() -> [String] {
        let fm = FileManager.default
        var paths: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["MADOGUCHI_PASSWORD_LIST"], !explicit.isEmpty { paths.append(explicit) }
        let relative = "fixtures/passwords/common-passwords.txt.gz"
        paths.append(fm.currentDirectoryPath + "/" + relative)
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "/").resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            paths.append(directory.appendingPathComponent(relative).path)
            directory = directory.deletingLastPathComponent()
        }
        paths += ["/usr/share/madoguchi/common-passwords.txt", "/usr/share/madoguchi/common-passwords.txt.gz"]
        return paths
    }

    static func open() -> CommonPasswords? {
        let fm = FileManager.default
        guard let path = candidates().first(where: { fm.fileExists(atPath: $0) }) else { return nil }
        var plain = URL(fileURLWithPath: path)
        if path.hasSuffix(".gz") {
            let attributes = (try? fm.attributesOfItem(atPath: path)) ?? [:]
            let size = (attributes[.size] as? Int) ?? 0
            let date = Int((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
            plain = fm.temporaryDirectory.appendingPathComponent("madoguchi-common-passwords-\(size)-\(date).txt")
            if !fm.fileExists(atPath: plain.path) {
                let partial = plain.appendingPathExtension("\(getpid())")
                guard let result = try? ProcessRunner.run(["/bin/sh", "-c", "gzip -dc \"$0\" > \"$1\"", path, partial.path]),
                      result.status == 0, rename(partial.path, plain.path) == 0 else {
                    try? fm.removeItem(at: partial)
                    return nil
                }
            }
        }
        guard let data = try? Data(contentsOf: plain, options: .alwaysMapped), !data.isEmpty else { return nil }
        return CommonPasswords(sortedText: data)
    }
}
