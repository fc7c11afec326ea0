import Foundation
import Hummingbird
import MadoguchiDomain

/// `InputText` applied where text enters a site (#19): every query parameter and the path, every
/// form and multipart field and file name, every string of a JSON body. A refusal is a 422
/// naming the field (problem JSON for the API, the error page for a form), before any handler
/// or database sees the text, so nothing is stored and PostgreSQL never meets a NUL.
enum EdgeText {
    static func refusal(_ field: String, _ problem: String) -> InvalidInput {
        InvalidInput([FieldProblem(field: field, message: "入力「\(field)」: \(problem)。")])
    }

    static func check(path: String, query: [(String, String)]) throws {
        guard let decoded = path.removingPercentEncoding else { throw AppError.badRequest("アドレスの形式が正しくありません。") }
        if let problem = InputText.problem(decoded, multiline: false) { throw refusal("path", problem) }
        for (name, value) in query {
            if let problem = InputText.problem(name, multiline: false) ?? InputText.problem(value, multiline: false) { throw refusal(name, problem) }
        }
    }

    static func check(form: FormData, files: [String: [UploadedFile]] = [:]) throws {
        for (name, values) in form.values {
            if let problem = InputText.problem(name, multiline: false) { throw refusal("項目名", problem) }
            for value in values {
                if let problem = InputText.problem(value, multiline: InputText.multilineFields.contains(name)) { throw refusal(name, problem) }
            }
        }
        for (name, list) in files {
            for file in list {
                if let problem = InputText.problem(file.filename, multiline: false) { throw refusal("\(name)（ファイル名）", problem) }
            }
        }
    }

    /// Every string (keys too) of a JSON body, with its path (`person.familyName`, `lines[2]`).
    static func check(json data: Data) throws {
        guard let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return }
        try walk(root, path: "", key: "")
    }

    static func walk(_ value: Any, path: String, key: String) throws {
        switch value {
        case let text as String:
            if let problem = InputText.problem(text, multiline: InputText.multilineFields.contains(key)) { throw refusal(path.isEmpty ? "body" : path, problem) }
        case let object as [String: Any]:
            for (name, child) in object {
                if let problem = InputText.problem(name, multiline: false) { throw refusal("項目名", problem) }
                try walk(child, path: path.isEmpty ? name : "\(path).\(name)", key: name)
            }
        case let array as [Any]:
            for (index, child) in array.enumerated() { try walk(child, path: "\(path)[\(index)]", key: key) }
        default:
            return
        }
    }
}
