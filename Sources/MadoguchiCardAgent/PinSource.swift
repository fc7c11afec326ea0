import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MadoguchiCardReader

/// Where the holder's 4-digit PIN comes from in PIN mode: typed on this terminal's keyboard with
/// echo off, or one line on standard input (a PIN pad's wrapper program). Never from the staff site.
enum PinSource: Sendable {
    case terminal
    case standardInput

    func read() throws -> [UInt8] {
        switch self {
        case .standardInput:
            guard let line = Swift.readLine(strippingNewline: true) else { throw CardReaderError.pinNotEntered }
            return Array(line.utf8)
        case .terminal:
            let tty = open("/dev/tty", O_RDWR)
            guard tty >= 0 else { throw CardReaderError.pinNotEntered }
            defer { close(tty) }
            let prompt = "\n暗証番号（4桁）を入力して Enter を押してください: "
            _ = prompt.withCString { write(tty, $0, strlen($0)) }
            var saved = termios()
            tcgetattr(tty, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(tty, TCSANOW, &quiet)
            defer {
                tcsetattr(tty, TCSANOW, &saved)
                _ = "\n".withCString { write(tty, $0, 1) }
            }
            var bytes: [UInt8] = []
            var byte: UInt8 = 0
            while Glibc.read(tty, &byte, 1) == 1, byte != 0x0A, byte != 0x0D, bytes.count < 16 { bytes.append(byte) }
            return bytes
        }
    }
}
