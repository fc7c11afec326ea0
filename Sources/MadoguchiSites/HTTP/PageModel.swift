import Foundation
import Mustache

/// The values one template renders: a struct whose stored properties are the template's keys
/// (swift-mustache reads them by reflection). Lists answer `has<List>` for the markup around
/// them, and an empty string counts as absent, so `{{#note}}…{{/note}}` means "a note to show".
public protocol PageModel: MustacheParent, Sendable {}

extension PageModel {
    public func child(named name: String) -> Any? { PageLookup.child(named: name, of: self) }
}

enum PageLookup {
    static func child(named name: String, of object: Any) -> Any? {
        let mirror = Mirror(reflecting: object)
        for child in mirror.children where child.label == name { return unwrapped(child.value) }
        // Mustache has no "non-empty" test: `hasItems` says whether the list `items` has any.
        if name.hasPrefix("has"), name.count > 3 {
            let key = name.dropFirst(3).prefix(1).lowercased() + name.dropFirst(4)
            for child in mirror.children where child.label == key {
                if let list = unwrapped(child.value) as? any Collection { return !list.isEmpty }
            }
        }
        return nil
    }

    static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map { unwrapped($0.value) } ?? nil
    }
}

/// An empty string is "nothing to show" in a section, as people read templates.
extension String: @retroactive MustacheCustomRenderable {
    public var renderText: String { self }
    public var isNull: Bool { isEmpty }
}

/// A label and value for a `<select>` or a group of radio buttons.
struct Choice: PageModel {
    let value: String
    let label: String
    var selected = false
}
