import MadoguchiDomain

/// The booking form as the resident and staff pages post it: one set of field names, so both
/// read it the same way and show problems beside the same inputs.
extension BookingInput {
    /// Residents' forms have no notes field; BookingDesk clears notes for residents anyway.
    init(form: FormData) {
        self.init(familyName: form.text("familyName"), givenName: form.text("givenName"), familyKana: form.text("familyKana"),
                  givenKana: form.text("givenKana"), birthDate: form.text("birthDate"), phone: form.text("phone"),
                  email: form.text("email"), applicationID: form.text("applicationId"), noticeNumber: form.text("noticeNumber"),
                  notes: form.text("notes"))
    }
}

extension FieldProblem {
    /// The first message for each field, keyed by field name, for the template's `fieldErrors`.
    static func byField(_ problems: [FieldProblem]) -> [String: String] {
        var messages: [String: String] = [:]
        for problem in problems where messages[problem.field] == nil { messages[problem.field] = problem.message }
        return messages
    }
}
