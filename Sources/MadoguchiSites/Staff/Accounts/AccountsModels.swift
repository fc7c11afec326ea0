import Foundation
import MadoguchiDomain

/// The sign-in and account administration pages' models.
enum AccountsModels {
    struct Login: PageModel {
        let csrf: String
        let next: String
        let login: String
        let info: String
        let error: String
        let maxFailures: Int
    }

    /// The second step of sign-in.
    struct SecondFactor: PageModel {
        let csrf: String
        let next: String
        let login: String
        let error: String
        let maxFailures: Int
    }

    /// Enrolment: the QR code (inline SVG) and the same key as text.
    struct SecondFactorSetup: PageModel {
        let csrf: String
        let next: String
        let login: String
        let secret: String
        let qr: String
        let error: String
    }

    /// Recovery codes, shown once.
    struct RecoveryCodes: PageModel {
        let codes: [String]
        let next: String
        let enrolled: Bool
    }

    struct AccountSecondFactor: PageModel {
        let enrolled: Bool
        let enrolledAt: String
        let codesLeft: Int
        let error: String
    }

    struct Password: PageModel {
        let errors: [String]
        let minimumLength: Int
        let mustChange: Bool
    }

    struct UserRow: PageModel {
        let id: Int64
        let login: String
        let displayName: String
        let roles: [String]
        let active: Bool
        let locked: Bool
        let lastLogin: String
    }

    struct Users: PageModel {
        let users: [UserRow]
    }

    struct RoleChoice: PageModel {
        let name: String
        let label: String
        let description: String
        let checked: Bool
    }

    struct NewForm: PageModel {
        let login: String
        let displayName: String
    }

    struct New: PageModel {
        let errors: [String]
        let form: NewForm
        let roles: [RoleChoice]
    }

    struct User: PageModel {
        let id: Int64
        let login: String
        let displayName: String
        let active: Bool
        let locked: Bool
        let failedLoginCount: Int
    }

    struct TokenRow: PageModel {
        let id: Int64
        let name: String
        let created: String
        let lastUsed: String
        let expires: String
        let scopes: String
        let status: String
    }

    struct Edit: PageModel {
        let user: User
        let lockedAt: String
        let roles: [RoleChoice]
        let errors: [String]
        let tokens: [TokenRow]
        let generatedPassword: String
        let mfaEnrolled: Bool
        let mfaEnrolledAt: String
        let recoveryCodesLeft: Int
    }

    struct PermissionChoice: PageModel {
        let name: String
        let label: String
        let granted: Bool
    }

    struct RoleRow: PageModel {
        let name: String
        let label: String
        let description: String
        let permissions: [PermissionChoice]
    }

    struct Roles: PageModel {
        let errors: [String]
        let roles: [RoleRow]
    }
}
