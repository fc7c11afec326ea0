import Foundation
import MadoguchiProcess
import MadoguchiDatabase
import MadoguchiDomain

/// Finds and opens the breached-password list (#13): `MADOGUCHI_PASSWORD_LIST` (plain or
/// `.gz`), else `fixtures/passwords/common-passwords.txt.gz` in the working directory or above
/// the program (a checkout), else `/usr/share/madoguchi/common-passwords.txt[.gz]`. A gzipped
/// list is unpacked at start (by `gzip -dc`, about 0.3 s) into a private temporary folder,
/// mapped, and the file removed at once.
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
        guard path.hasSuffix(".gz") else {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped), !data.isEmpty else { return nil }
            return CommonPasswords(sortedText: data)
        }
        // Unpacked into a fresh private folder (mkdtemp, 0700) and unlinked once mapped: no
        // predictable name in /tmp that another local user could plant a short list under.
        var template = Array(fm.temporaryDirectory.appendingPathComponent("madoguchi-passwords-XXXXXX").path.utf8CString)
        guard let folder = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else { return nil }
        let plain = folder + "/common-passwords.txt"
        defer {
            unlink(plain)
            rmdir(folder)
        }
        guard let result = try? ProcessRunner.run(["/bin/sh", "-c", "gzip -dc \"$0\" > \"$1\"", path, plain]), result.status == 0,
              let data = try? Data(contentsOf: URL(fileURLWithPath: plain), options: .alwaysMapped), !data.isEmpty else { return nil }
        return CommonPasswords(sortedText: data)
    }
}
