import Foundation
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// The mails a booking change causes (#16), queued on the change's own connection so that they
/// commit or roll back with it: the confirmation and its reminder (waiting in the outbox until
/// due), the notice of a move (the old reminder withdrawn, a new one queued), of a cancellation,
/// and of a slot staff withdrew. Bookings without an address get nothing.
struct BookingNotices: Sendable {
    let outbox: MailOutboxStore
    let bookings: BookingStore
    let composer: BookingMail
    let templates: MailTemplateStore
    let reminder: ReminderPolicy
    let clock: any TimeSource

    func booked(_ booking: Booking, on connection: PostgresConnection) async throws {
        try await queue(.bookingConfirmation, booking, on: connection)
        try await queueReminder(booking, on: connection)
    }

    func moved(_ booking: Booking, on connection: PostgresConnection) async throws {
        try await outbox.withdrawReminders(bookingID: booking.id, on: connection)
        try await queue(.bookingMoved, booking, on: connection)
        try await queueReminder(booking, on: connection)
    }

    func cancelled(_ booking: Booking, on connection: PostgresConnection) async throws {
        try await outbox.withdrawReminders(bookingID: booking.id, on: connection)
        try await queue(.bookingCancelled, booking, on: connection)
    }

    /// The bookings left in slots a planning run has just withdrawn: they are told to choose
    /// another time, and no reminder goes out for a time that no longer exists.
    func slotsWithdrawn(_ bookingIDs: [Int64], on connection: PostgresConnection) async throws {
        for booking in try await bookings.find(ids: bookingIDs, on: connection) {
            try await outbox.withdrawReminders(bookingID: booking.id, on: connection)
            try await queue(.slotWithdrawn, booking, on: connection)
        }
    }

    func queue(_ kind: OutgoingMail.Kind, _ booking: Booking, on connection: PostgresConnection) async throws {
        guard !booking.input.email.isEmpty,
              let mail = composer.mail(kind, booking, wording: try await templates.wording(kind, booking.language, on: connection)) else { return }
        try await outbox.enqueue(mail, now: clock.now(), on: connection)
    }

    func queueReminder(_ booking: Booking, on connection: PostgresConnection) async throws {
        guard !booking.input.email.isEmpty, let due = reminder.dueAt(startsAt: booking.startsAt, now: clock.now()),
              var mail = composer.mail(.bookingReminder, booking, wording: try await templates.wording(.bookingReminder, booking.language, on: connection))
        else { return }
        mail.dueAt = due
        try await outbox.enqueue(mail, now: clock.now(), on: connection)
    }
}
