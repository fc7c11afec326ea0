import MadoguchiDomain

/// The JSON body that books a slot, for the public and the staff API alike: the person's fields
/// at the top level beside `slotId` (or `slot`). The public API ignores `channel` and
/// `overrideDuplicate` and `overridePickupCheck`; the staff API ignores `language`.
struct BookingRequest: Decodable {
    let slotId: Int64?
    let language: String?
    let channel: String?
    let overrideDuplicate: Bool?
    let overridePickupCheck: Bool?
    let person: BookingInput

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        slotId = try c.decodeIfPresent(Int64.self, forKey: .slotId) ?? c.decodeIfPresent(Int64.self, forKey: .slot)
        language = try c.decodeIfPresent(String.self, forKey: .language)
        channel = try c.decodeIfPresent(String.self, forKey: .channel)
        overrideDuplicate = try c.decodeIfPresent(Bool.self, forKey: .overrideDuplicate)
        overridePickupCheck = try c.decodeIfPresent(Bool.self, forKey: .overridePickupCheck)
        person = try BookingInput(from: decoder)
    }

    enum CodingKeys: String, CodingKey { case slotId, slot, language, channel, overrideDuplicate, overridePickupCheck }
}
