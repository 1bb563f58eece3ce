// Package dcsa maps DCSA Track & Trace events (equipment, transport and shipment events) into the
// twin's canonical contract: pure functions from DCSA JSON to es.Envelope, with no I/O.
//
// # Shapes read
//
// Two published shapes of the same event model are read, told apart by their keys:
//
//   - TNT 2.2 (DCSA-OpenAPI tnt/v2), one flat object: eventID, eventCreatedDateTime, eventType,
//     eventClassifierCode, eventDateTime, equipmentEventTypeCode / transportEventTypeCode /
//     shipmentEventTypeCode, equipmentReference, ISOEquipmentCode, emptyIndicatorCode, eventLocation,
//     transportCall {transportCallID, exportVoyageNumber, importVoyageNumber, UNLocationCode,
//     facilityTypeCode, modeOfTransport, vessel {vesselIMONumber, vesselName}}, documentReferences,
//     references. This is what carriers publish today. Envelopes get source SourceTNT2.
//   - TNT 3.0.0-Beta-1 (DCSA-OpenAPI tnt/v3), the same fields split into metadata {eventID,
//     eventCreatedDateTime, eventType, retractedEventID, publisher} and payload {…, transportCall
//     {carrierExportVoyageNumber, carrierImportVoyageNumber, location, vessel {vesselIMONumber, name},
//     licencePlate}, relatedDocumentReferences, references}. Envelopes get source SourceTNT3.
//
// The Track and Trace 3.0.0 that DCSA has been redesigning since 2025 (eventClassification,
// equipmentDetails, transportDetails; "work in progress, not ready for general adoption") is refused
// with an error naming that field, rather than guessed at.
//
// # Mapping
//
// Only ACT (actual) events become facts. Every event either maps, or maps partly, or is kept out with
// the reason in Mapped.Unmapped; none is dropped silently.
//
//	DCSA event (ACT)                canonical event             data from DCSA                      left out (DCSA has none)
//	EQUIPMENT DISC, by VESSEL       quay.ContainerDischarged    container = equipmentReference      crane, cell, truck
//	EQUIPMENT LOAD, by VESSEL       quay.ContainerLoaded          (or the references entry EQ),     crane, cell, truck
//	                                                            visit = "<IMO>-<voyage>"
//	EQUIPMENT GTIN, by road         gate.ContainerGatedIn       container; truck = licencePlate     lane; truck without an ASCII
//	EQUIPMENT GTOT, by road         gate.ContainerGatedOut        of a TRUCK call (TNT 3 only)        licence plate
//	TRANSPORT ARRI, VESSEL call     quay.VesselArrived          visit; vessel = vesselName (name);  vessel "IMO <n>" when unnamed
//	                                                            imo = vesselIMONumber
//	TRANSPORT DEPA, VESSEL call     quay.VesselDeparted         visit                               none
//
//	kept out (Mapped.Unmapped says why)
//	  eventClassifierCode PLN, EST, REQ           plans, estimates and requests, not facts
//	  EQUIPMENT STUF, STRP, PICK, DROP, INSP,     no canonical event yet (cargo, seals, inspections and
//	    RSEA, RMVD                                merchant hand-overs are outside the contract)
//	  SHIPMENT (any shipmentEventTypeCode)        document events (booking, bill of lading), not boxes
//	  TNT 3 retraction (retractedEventID)         the twin keeps facts; a correction would be its own event
//	  DISC/LOAD by TRUCK, RAIL or BARGE;          quay moves are vessel moves, gate events road-truck passes
//	    GTIN/GTOT by RAIL or BARGE;
//	    ARRI/DEPA of a non-vessel transport call
//	  facilityTypeCode other than POTE            a depot, ramp or inland terminal is not the port terminal
//	  outside Mapper.Locations (when set)         another port's fact; a carrier feed covers the whole journey
//
// Not read, and so never a reason to refuse an event: ISOEquipmentCode, emptyIndicatorCode,
// isTransshipmentMove, document references, references other than EQ, seals, delay reasons, publisher.
// eventCreatedDateTime is checked but not carried: the twin stamps its own recordedtime. quay.VesselBerthed is never produced: it needs a berth of the layout and the quay span
// in metres, and TNT carries neither (nor does ARRI say whether the vessel reached the pilot station or
// the berth; VesselArrived is the weaker claim). yard.ContainerAnnounced is never produced either: it
// needs a gross weight, which TNT does not carry, and a category (import, export, transhipment) that
// TNT 2.2 does not give; an invented weight would corrupt the yard's figures. (DCSA's
// ISOEquipmentCode is moreover often a type group code, "22GP", or the 1984 form, "4310", which the
// contract's size-type check refuses: it wants the detailed code, "22G1".)
//
// # Fields DCSA does not carry
//
// The canonical quay moves name the quay crane and the stowage cell, and the gate passes the truck
// and the gate lane, when known; all four are optional in the contract because a carrier's feed
// carries none of them (a TNT 3 truck call carries the licence plate, which is used as the truck when
// it is printable ASCII, as the contract's ids must be). So a discharge, load or gate pass from DCSA
// maps whole, and moves the box on the yard map, with those fields left out.
//
// # Visits
//
// DCSA does not carry the terminal's visit id, so the visit is named "<IMO number>-<voyage number>",
// e.g. "9321483-2103S", spaces removed. The voyage is the export voyage when given, else the import
// voyage (DCSA's own rule for its deprecated single carrierVoyageNumber), so a call's ARRI, DISC, LOAD
// and DEPA share one visit as long as the carrier sends the same transport call with each. Two
// carriers sharing a vessel have their own voyage numbers, and so open two visits for one call; and a
// DCSA visit is not the visit the terminal's own system reports.
//
// # Ids, times and errors
//
// The envelope id depends only on the DCSA eventID and the envelope's index (EnvelopeID), so a
// re-sent event maps to the same ids and the twin stores it once; an event without eventID is
// refused. The envelope time is eventDateTime in UTC; a time without a UTC offset is refused.
//
// An event is refused with an error (*es.FieldErrors naming the DCSA field, "equipmentReference: …")
// when it is malformed: broken JSON, a field it reads of the wrong JSON type, a missing or unknown eventType,
// eventClassifierCode or event type code, a missing or unreadable eventDateTime, or, for an event that
// maps, a missing or malformed container number, vessel IMO number or voyage number. A wrong container
// check digit is not an error (the twin records the box and raises an anomaly). An event that is
// understood but has no canonical meaning is not an error: it comes back with Unmapped set, and its
// other fields are not checked.
package dcsa
