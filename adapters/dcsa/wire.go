package dcsa

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/yardtwin/yardtwin/domain/es"
)

// This file reads the two DCSA shapes the package accepts into one event, keeping with every value the
// path of the DCSA field it came from, so that an error names the field the sender wrote.

// Sources of the envelopes, one per DCSA shape read.
const (
	SourceTNT2 = "urn:dcsa:tnt:v2" // Track & Trace 2.2: one flat object per event
	SourceTNT3 = "urn:dcsa:tnt:v3" // Track & Trace 3.0.0-Beta-1: a metadata and a payload section
)

// field is one DCSA value and the path of the field it came from ("transportCall.vessel.vesselIMONumber").
type field struct {
	path  string
	value string
}

// norm is the value trimmed and in capitals, the form code lists are compared in.
func (f field) norm() string { return strings.ToUpper(strings.TrimSpace(f.value)) }

// event is one DCSA event whatever its shape.
type event struct {
	source     string
	id         field
	eventType  field
	classifier field
	at         field // eventDateTime
	created    field // eventCreatedDateTime
	// Codes of the event type; which one applies depends on eventType. legacy is TNT 2.2's deprecated
	// eventTypeCode, read when the specific code is absent.
	equipmentCode, transportCode, shipmentCode, legacyCode field
	// equipment is equipmentReference, or the value of the one reference of type EQ.
	equipment field
	where     field // UN/LOCODE where the event happened
	facility  field // facilityTypeCode (POTE is a port terminal)
	call      *call // nil when the event has no transportCall
	retracts  string
	// noPayload is set for a TNT 3 event without its payload section.
	noPayload bool
}

// call is the transport call of an event: the vessel visit, or the truck or train, it happened with.
type call struct {
	path       string
	mode       field
	imo        field
	vesselName field
	// voyage is the first of the voyage numbers present, in the order of voyageFields; when none is,
	// its path is the first of them.
	voyage       field
	voyageFields string // the voyage fields, for the error when all are missing
	truck        field  // licence plate of a truck transport call (TNT 3 only)
}

// tnt2Event is a TNT 2.2 event. Only the fields the mapping reads are decoded, so a field it does not
// read (seals, document references, ISOEquipmentCode, transportCallSequenceNumber, which is a string
// in the schema and a number in the examples, …) never makes an event fail.
type tnt2Event struct {
	EventID                string          `json:"eventID"`
	EventCreatedDateTime   string          `json:"eventCreatedDateTime"`
	EventType              string          `json:"eventType"`
	EventClassifierCode    string          `json:"eventClassifierCode"`
	EventDateTime          string          `json:"eventDateTime"`
	EquipmentEventTypeCode string          `json:"equipmentEventTypeCode"`
	TransportEventTypeCode string          `json:"transportEventTypeCode"`
	ShipmentEventTypeCode  string          `json:"shipmentEventTypeCode"`
	EventTypeCode          string          `json:"eventTypeCode"` // deprecated in 2.2
	EquipmentReference     string          `json:"equipmentReference"`
	EventLocation          *tnt2Location   `json:"eventLocation"`
	TransportCall          *tnt2Call       `json:"transportCall"`
	References             []tnt2Reference `json:"references"`
}

type tnt2Location struct {
	UNLocationCode string `json:"UNLocationCode"`
}

type tnt2Call struct {
	CarrierVoyageNumber string        `json:"carrierVoyageNumber"` // deprecated in 2.2
	ExportVoyageNumber  string        `json:"exportVoyageNumber"`
	ImportVoyageNumber  string        `json:"importVoyageNumber"`
	UNLocationCode      string        `json:"UNLocationCode"`
	FacilityTypeCode    string        `json:"facilityTypeCode"`
	ModeOfTransport     string        `json:"modeOfTransport"`
	Location            *tnt2Location `json:"location"`
	Vessel              *tnt2Vessel   `json:"vessel"`
}

type tnt2Vessel struct {
	VesselIMONumber string `json:"vesselIMONumber"`
	VesselName      string `json:"vesselName"`
}

type tnt2Reference struct {
	ReferenceType  string `json:"referenceType"`
	ReferenceValue string `json:"referenceValue"`
}

func (w tnt2Event) event() event {
	e := event{
		source:        SourceTNT2,
		id:            field{"eventID", w.EventID},
		eventType:     field{"eventType", w.EventType},
		classifier:    field{"eventClassifierCode", w.EventClassifierCode},
		at:            field{"eventDateTime", w.EventDateTime},
		created:       field{"eventCreatedDateTime", w.EventCreatedDateTime},
		equipmentCode: field{"equipmentEventTypeCode", w.EquipmentEventTypeCode},
		transportCode: field{"transportEventTypeCode", w.TransportEventTypeCode},
		shipmentCode:  field{"shipmentEventTypeCode", w.ShipmentEventTypeCode},
		legacyCode:    field{"eventTypeCode", w.EventTypeCode},
		equipment:     field{"equipmentReference", w.EquipmentReference},
	}
	if strings.TrimSpace(e.equipment.value) == "" {
		for i, r := range w.References {
			if strings.EqualFold(strings.TrimSpace(r.ReferenceType), "EQ") {
				e.equipment = field{fmt.Sprintf("references[%d].referenceValue", i), r.ReferenceValue}
				break
			}
		}
	}
	if l := w.EventLocation; l != nil {
		e.where = field{"eventLocation.UNLocationCode", l.UNLocationCode}
	}
	if tc := w.TransportCall; tc != nil {
		k := &call{
			path:         "transportCall",
			mode:         field{"transportCall.modeOfTransport", tc.ModeOfTransport},
			imo:          field{"transportCall.vessel.vesselIMONumber", ""},
			vesselName:   field{"transportCall.vessel.vesselName", ""},
			voyageFields: "exportVoyageNumber, importVoyageNumber or carrierVoyageNumber",
		}
		if v := tc.Vessel; v != nil {
			k.imo.value, k.vesselName.value = v.VesselIMONumber, v.VesselName
		}
		k.voyage = first(
			field{"transportCall.exportVoyageNumber", tc.ExportVoyageNumber},
			field{"transportCall.importVoyageNumber", tc.ImportVoyageNumber},
			field{"transportCall.carrierVoyageNumber", tc.CarrierVoyageNumber},
		)
		e.call = k
		e.facility = field{"transportCall.facilityTypeCode", tc.FacilityTypeCode}
		if strings.TrimSpace(e.where.value) == "" {
			e.where = field{"transportCall.UNLocationCode", tc.UNLocationCode}
			if strings.TrimSpace(e.where.value) == "" && tc.Location != nil {
				e.where = field{"transportCall.location.UNLocationCode", tc.Location.UNLocationCode}
			}
		}
	}
	return e
}

// tnt3Event is a TNT 3.0.0-Beta-1 event: metadata and, unless the event retracts another, a payload.
// As for TNT 2.2, only the fields the mapping reads are decoded.
type tnt3Event struct {
	Metadata struct {
		EventID              string `json:"eventID"`
		EventCreatedDateTime string `json:"eventCreatedDateTime"`
		EventType            string `json:"eventType"`
		RetractedEventID     string `json:"retractedEventID"`
	} `json:"metadata"`
	Payload *tnt3Payload `json:"payload"`
}

type tnt3Payload struct {
	EventClassifierCode    string          `json:"eventClassifierCode"`
	EventDateTime          string          `json:"eventDateTime"`
	EquipmentEventTypeCode string          `json:"equipmentEventTypeCode"`
	TransportEventTypeCode string          `json:"transportEventTypeCode"`
	ShipmentEventTypeCode  string          `json:"shipmentEventTypeCode"`
	EquipmentReference     string          `json:"equipmentReference"`
	Location               *tnt3Location   `json:"location"`
	FacilityTypeCode       string          `json:"facilityTypeCode"`
	TransportCall          *tnt3Call       `json:"transportCall"`
	References             []tnt3Reference `json:"references"`
}

type tnt3Location struct {
	UNLocationCode string `json:"UNLocationCode"`
}

type tnt3Call struct {
	ModeOfTransport           string        `json:"modeOfTransport"`
	Location                  *tnt3Location `json:"location"`
	CarrierExportVoyageNumber string        `json:"carrierExportVoyageNumber"`
	CarrierImportVoyageNumber string        `json:"carrierImportVoyageNumber"`
	FacilityTypeCode          string        `json:"facilityTypeCode"`
	Vessel                    *tnt3Vessel   `json:"vessel"`
	LicencePlate              string        `json:"licencePlate"`
}

type tnt3Vessel struct {
	VesselIMONumber string `json:"vesselIMONumber"`
	Name            string `json:"name"`
}

type tnt3Reference struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

func (w tnt3Event) event() event {
	md := w.Metadata
	e := event{
		source:    SourceTNT3,
		id:        field{"metadata.eventID", md.EventID},
		eventType: field{"metadata.eventType", md.EventType},
		created:   field{"metadata.eventCreatedDateTime", md.EventCreatedDateTime},
		retracts:  strings.TrimSpace(md.RetractedEventID),
	}
	p := w.Payload
	if p == nil {
		e.noPayload = true
		return e
	}
	e.classifier = field{"payload.eventClassifierCode", p.EventClassifierCode}
	e.at = field{"payload.eventDateTime", p.EventDateTime}
	e.equipmentCode = field{"payload.equipmentEventTypeCode", p.EquipmentEventTypeCode}
	e.transportCode = field{"payload.transportEventTypeCode", p.TransportEventTypeCode}
	e.shipmentCode = field{"payload.shipmentEventTypeCode", p.ShipmentEventTypeCode}
	e.equipment = field{"payload.equipmentReference", p.EquipmentReference}
	if strings.TrimSpace(e.equipment.value) == "" {
		for i, r := range p.References {
			if strings.EqualFold(strings.TrimSpace(r.Type), "EQ") {
				e.equipment = field{fmt.Sprintf("payload.references[%d].value", i), r.Value}
				break
			}
		}
	}
	if l := p.Location; l != nil {
		e.where = field{"payload.location.UNLocationCode", l.UNLocationCode}
	}
	e.facility = field{"payload.facilityTypeCode", p.FacilityTypeCode}
	if tc := p.TransportCall; tc != nil {
		k := &call{
			path:         "payload.transportCall",
			mode:         field{"payload.transportCall.modeOfTransport", tc.ModeOfTransport},
			imo:          field{"payload.transportCall.vessel.vesselIMONumber", ""},
			vesselName:   field{"payload.transportCall.vessel.name", ""},
			voyageFields: "carrierExportVoyageNumber or carrierImportVoyageNumber",
			truck:        field{"payload.transportCall.licencePlate", tc.LicencePlate},
		}
		if v := tc.Vessel; v != nil {
			k.imo.value, k.vesselName.value = v.VesselIMONumber, v.Name
		}
		k.voyage = first(
			field{"payload.transportCall.carrierExportVoyageNumber", tc.CarrierExportVoyageNumber},
			field{"payload.transportCall.carrierImportVoyageNumber", tc.CarrierImportVoyageNumber},
		)
		e.call = k
		if strings.TrimSpace(e.facility.value) == "" {
			e.facility = field{"payload.transportCall.facilityTypeCode", tc.FacilityTypeCode}
		}
		if strings.TrimSpace(e.where.value) == "" && tc.Location != nil {
			e.where = field{"payload.transportCall.location.UNLocationCode", tc.Location.UNLocationCode}
		}
	}
	return e
}

// first returns the first field with a value, or the first field (empty) when none has one.
func first(fs ...field) field {
	for _, f := range fs {
		if strings.TrimSpace(f.value) != "" {
			return f
		}
	}
	return fs[0]
}

// decode reads one DCSA event in either shape. Errors are *es.FieldErrors naming the DCSA field.
func decode(raw []byte) (event, error) {
	// The keys that tell the shapes apart: TNT 3.0.0-Beta-1 has metadata; the Track and Trace 3.0.0
	// still being designed by DCSA (2025) nests its codes in eventClassification and its details in
	// equipmentDetails and transportDetails.
	var probe struct {
		Metadata            json.RawMessage `json:"metadata"`
		EventClassification json.RawMessage `json:"eventClassification"`
		EquipmentDetails    json.RawMessage `json:"equipmentDetails"`
		TransportDetails    json.RawMessage `json:"transportDetails"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return event{}, jsonError(err)
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		return event{}, es.Invalid("", "must be a JSON object (one DCSA event), got JSON null")
	}
	switch {
	case probe.EventClassification != nil || probe.EquipmentDetails != nil || probe.TransportDetails != nil:
		f := "eventClassification"
		if probe.EventClassification == nil {
			f = "equipmentDetails"
			if probe.EquipmentDetails == nil {
				f = "transportDetails"
			}
		}
		return event{}, es.Invalid(f, "this is the shape of DCSA Track and Trace 3.0.0 as designed since 2025, "+
			"which DCSA marks as work in progress and which is not mapped yet: send TNT 2.2 or 3.0.0-Beta-1 events")
	case probe.Metadata != nil:
		var w tnt3Event
		if err := json.Unmarshal(raw, &w); err != nil {
			return event{}, jsonError(err)
		}
		return w.event(), nil
	default:
		var w tnt2Event
		if err := json.Unmarshal(raw, &w); err != nil {
			return event{}, jsonError(err)
		}
		return w.event(), nil
	}
}

// jsonError names the DCSA field of a decoding error.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if typeErr.Field == "" {
			return es.Invalid("", "must be a JSON object (one DCSA event), got JSON "+typeErr.Value)
		}
		return es.Invalid(typeErr.Field, fmt.Sprintf("must be %s, got JSON %s", jsonKind(typeErr.Type), typeErr.Value))
	}
	var synErr *json.SyntaxError
	if errors.As(err, &synErr) {
		return es.Invalid("", "broken JSON at byte "+strconv.FormatInt(synErr.Offset, 10)+": "+synErr.Error())
	}
	return es.Invalid("", "broken JSON: "+err.Error())
}

func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another JSON type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer, reflect.Struct, reflect.Map:
		return "an object"
	default:
		return "a " + t.Kind().String()
	}
}
