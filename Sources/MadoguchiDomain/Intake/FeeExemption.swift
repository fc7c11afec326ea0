import Foundation

public struct FeeExemption: Sendable, Equatable {
    public var code: String
    public var label: String

    public init(code: String, label: String) {
        self.code = code
        self.label = label
    }
}
