import MadoguchiDomain
import Testing

@Suite("Card ledger stages (C6)")
struct LedgerStageTests {
    @Test("the main line runs delivered → inspected → prepared → notified → handed over, one step at a time")
    func mainLine() {
        let line: [LedgerStage] = [.delivered, .inspected, .prepared, .notified, .handedOver]
        for (from, to) in zip(line, line.dropFirst()) { #expect(from.canMove(to: to), "\(from) → \(to)") }
        #expect(!LedgerStage.delivered.canMove(to: .handedOver), "no handover of an uninspected card")
        #expect(!LedgerStage.inspected.canMove(to: .handedOver))
        #expect(!LedgerStage.handedOver.canMove(to: .notified), "no way back from a handover")
    }

    @Test("returned and disposed are final; every stage but those can go on hold; a hold resumes the work")
    func sideLines() {
        #expect(LedgerStage.returned.next.isEmpty && LedgerStage.disposed.next.isEmpty)
        for stage in LedgerStage.allCases where ![.returned, .disposed, .handedOver, .onHold].contains(stage) {
            #expect(stage.canMove(to: .onHold), "\(stage) → on hold")
        }
        #expect(LedgerStage.onHold.canMove(to: .notified) && LedgerStage.onHold.canMove(to: .delivered))
        #expect(!LedgerStage.onHold.canMove(to: .handedOver), "a held card is notified again before handover")
        #expect(Set(LedgerStage.allCases.filter(\.allowsPickupBooking)) == [.prepared, .notified])
    }
}
