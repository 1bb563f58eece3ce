package dcsa_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/adapters/dcsa"
	"github.com/yardtwin/yardtwin/adapters/jsonschema"
	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

// want is what one DCSA event should become: the canonical events (nil when none) and a part of the
// Unmapped reason ("" when Unmapped must be empty).
type want struct {
	events   []es.Event
	unmapped string
}

const (
	noteQuay = "" // a quay move maps whole: crane and cell are optional in the contract
	noteGate = "" // so does a gate pass: truck and lane are optional
)

func discharged(box, visit string) quay.ContainerDischarged {
	return quay.ContainerDischarged{Container: idOf(box), Visit: visit}
}

func loaded(box, visit string) quay.ContainerLoaded {
	return quay.ContainerLoaded{Container: idOf(box), Visit: visit}
}

func TestMapExamples(t *testing.T) {
	kingOfTheSeas := quay.VesselArrived{Visit: "9321483-2103S", Vessel: "King of the Seas", IMO: "9321483"}
	tests := []struct {
		give string // file under testdata
		want []want
	}{
		{
			give: "dcsaorg/Conformance-Gateway/tnt-220-response.json",
			want: []want{
				{events: []es.Event{kingOfTheSeas}},
				{unmapped: "SHIPMENT events (here DRFT)"},
				{unmapped: "EST events are estimates, not facts"},
				{events: []es.Event{kingOfTheSeas}},
				{unmapped: "SHIPMENT events (here DRFT)"},
				{unmapped: "EST events are estimates, not facts"},
				{unmapped: "SHIPMENT events (here DRFT)"},
			},
		},
		{
			give: "dcsaorg/Conformance-Gateway/tnt-v22-response.json",
			want: []want{
				{events: []es.Event{kingOfTheSeas}},
				{unmapped: "SHIPMENT events (here DRFT)"},
				{unmapped: "EST events are estimates, not facts"},
			},
		},
		{
			give: "dcsaorg/DCSA-OpenAPI/bookingExample.json",
			want: []want{
				{unmapped: "SHIPMENT events (here ISSU)"},
				{unmapped: "EST events are estimates, not facts"},
			},
		},
		{
			give: "dcsaorg/DCSA-OpenAPI/dropPickExample.json",
			want: []want{
				{unmapped: "DROP (drop-off of a box by a merchant or haulier) has no canonical event yet"},
				{unmapped: "PICK (pick-up of a box by a merchant or haulier) has no canonical event yet"},
			},
		},
		{
			give: "dcsaorg/DCSA-OpenAPI/transportEventListExample.json",
			want: []want{
				{unmapped: `retracts DCSA event "957e4966-dad0-4111-9f8f-fb7216c43907"`},
				{unmapped: "EST events are estimates, not facts"},
			},
		},
		{
			give: "dcsaorg/DCSA-OpenAPI/railTransportExample.json",
			want: []want{{unmapped: "EST events are estimates, not facts"}},
		},
		{
			give: "dcsaorg/DCSA-OpenAPI/truckTransportExample.json",
			want: []want{{unmapped: "EST events are estimates, not facts"}},
		},
		{
			give: "ours/maptm-call.v2.json",
			want: []want{
				{events: []es.Event{quay.VesselArrived{Visit: "9632181-611W", Vessel: "STRAIT EXPRESS", IMO: "9632181"}}},
				{events: []es.Event{discharged("MSKU9045510", "9632181-611W")}, unmapped: noteQuay},
				{events: []es.Event{gate.ContainerGatedOut{Container: idOf("MSKU9045510")}}, unmapped: noteGate},
				{events: []es.Event{gate.ContainerGatedIn{Container: idOf("MAEU7193022")}}, unmapped: noteGate},
				{events: []es.Event{loaded("MAEU7193022", "9632181-611W")}, unmapped: noteQuay},
				{events: []es.Event{quay.VesselDeparted{Visit: "9632181-611W"}}},
				{unmapped: "PLN events are plans, not facts"},
				{unmapped: "STRP (stripped) has no canonical event yet"},
				{unmapped: "INSP (inspected) has no canonical event yet"},
			},
		},
		{
			give: "ours/maptm-call.v3beta.json",
			want: []want{
				{events: []es.Event{quay.VesselArrived{Visit: "9321483-2612S", Vessel: "King of the Seas", IMO: "9321483"}}},
				{events: []es.Event{discharged("CAIU7312023", "9321483-2612S")}, unmapped: noteQuay},
				{events: []es.Event{gate.ContainerGatedOut{Container: idOf("CAIU7312023"), Truck: "12345-A-6"}}, unmapped: ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			t.Parallel()
			got, errs := dcsa.MapBatch(readTestdata(t, tt.give))
			if errs != nil {
				t.Fatalf("MapBatch errors: %v", errs)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d mapped events, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				checkMapped(t, i, got[i], w)
			}
		})
	}
}

// checkMapped compares one Mapped with w, after passing each envelope through the contract checker.
func checkMapped(t *testing.T, i int, got dcsa.Mapped, w want) {
	t.Helper()
	switch {
	case w.unmapped == "" && got.Unmapped != "":
		t.Errorf("event %d: Unmapped = %q, want none", i, got.Unmapped)
	case !strings.Contains(got.Unmapped, w.unmapped):
		t.Errorf("event %d: Unmapped = %q, want it to contain %q", i, got.Unmapped, w.unmapped)
	}
	if len(got.Events) != len(w.events) {
		t.Fatalf("event %d: %d envelopes, want %d", i, len(got.Events), len(w.events))
	}
	for j, env := range got.Events {
		ev := mustCheck(t, env)
		if !reflect.DeepEqual(ev, w.events[j]) {
			t.Errorf("event %d envelope %d: data %#v, want %#v", i, j, ev, w.events[j])
		}
	}
}

// mustCheck passes env through the contract's checker, which the ingest runs on every event, and
// returns the decoded event. It also checks the envelope attributes the package promises.
func mustCheck(t *testing.T, env es.Envelope) es.Event {
	t.Helper()
	subject := env.Subject
	ev, err := contract.NewChecker(contract.NewRegistry(), nil).Check(&env)
	if err != nil {
		t.Fatalf("envelope %s refused by the contract: %v\n%s", env.ID, err, env.Data)
	}
	if env.Subject != subject {
		t.Errorf("subject %q, the checker derives %q", subject, env.Subject)
	}
	// serve checks places against the terminal's layout; DCSA names no slot, berth or lane for it to check.
	if _, err := contract.NewChecker(contract.NewRegistry(), tangerMedLayout(t)).Check(&env); err != nil {
		t.Errorf("envelope %s refused by the contract with the Tanger Med layout: %v\n%s", env.ID, err, env.Data)
	}
	if env.SpecVersion != "1.0" || env.SchemaVersion != 1 || env.Time.Location() != time.UTC {
		t.Errorf("envelope %s: specversion %q, schemaversion %d, time %v", env.ID, env.SpecVersion, env.SchemaVersion, env.Time)
	}
	if env.Source != dcsa.SourceTNT2 && env.Source != dcsa.SourceTNT3 {
		t.Errorf("envelope %s: source %q", env.ID, env.Source)
	}
	// The envelope also survives the trip through JSON that it makes on the bus, and satisfies the
	// JSON Schema that integrators validate against.
	raw, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := contract.Parse(raw); err != nil {
		t.Errorf("envelope %s does not parse back: %v\n%s", env.ID, err, raw)
	}
	if err := compiledSchemas(t).Validate(env.Type, env.SchemaVersion, raw); err != nil {
		t.Errorf("envelope %s does not satisfy the JSON Schema of %s: %v\n%s", env.ID, env.Type, err, raw)
	}
	return ev
}

func TestMapTimesAndIDs(t *testing.T) {
	got, errs := dcsa.MapBatch(readTestdata(t, "ours/maptm-call.v2.json"))
	if errs != nil {
		t.Fatal(errs)
	}
	tests := []struct {
		give     int // event in the file
		wantID   string
		wantTime string
	}{
		{0, "dcsa:c6a1f0e2-3b7d-4e59-9a14-2f8d5b0c7e01/0", "2026-03-14T04:20:00Z"},
		{1, "dcsa:c6a1f0e2-3b7d-4e59-9a14-2f8d5b0c7e02/0", "2026-03-14T07:13:22Z"},
		{5, "dcsa:c6a1f0e2-3b7d-4e59-9a14-2f8d5b0c7e06/0", "2026-03-15T21:40:00Z"},
	}
	for _, tt := range tests {
		env := got[tt.give].Events[0]
		if env.ID != tt.wantID {
			t.Errorf("event %d: id %q, want %q", tt.give, env.ID, tt.wantID)
		}
		if at := env.Time.Format(time.RFC3339); at != tt.wantTime {
			t.Errorf("event %d: time %s, want %s (eventDateTime in UTC)", tt.give, at, tt.wantTime)
		}
	}
}

// A valid ACT discharge in each shape, edited by the error cases.
const (
	discTNT2 = `{
  "eventID": "e-1", "eventCreatedDateTime": "2026-03-14T08:13:40+01:00",
  "eventType": "EQUIPMENT", "eventClassifierCode": "ACT", "eventDateTime": "2026-03-14T08:13:22+01:00",
  "equipmentEventTypeCode": "DISC", "equipmentReference": "MSKU9045510",
  "ISOEquipmentCode": "45G1", "emptyIndicatorCode": "LADEN",
  "transportCall": {"transportCallID": "tc-1", "exportVoyageNumber": "611W", "UNLocationCode": "MAPTM",
    "facilityTypeCode": "POTE", "modeOfTransport": "VESSEL",
    "vessel": {"vesselIMONumber": "9632181", "vesselName": "STRAIT EXPRESS"}}}`
	discTNT3 = `{
  "metadata": {"eventID": "e-3", "eventCreatedDateTime": "2026-03-14T08:13:40+01:00", "eventType": "EQUIPMENT"},
  "payload": {"eventClassifierCode": "ACT", "eventDateTime": "2026-03-14T08:13:22+01:00",
    "equipmentEventTypeCode": "DISC", "equipmentReference": "MSKU9045510",
    "transportCall": {"modeOfTransport": "VESSEL", "carrierExportVoyageNumber": "611W",
      "location": {"UNLocationCode": "MAPTM"},
      "vessel": {"vesselIMONumber": "9632181", "name": "STRAIT EXPRESS"}}}}`
	arriTNT2 = `{
  "eventID": "e-2", "eventType": "TRANSPORT", "eventClassifierCode": "ACT",
  "eventDateTime": "2026-03-14T05:20:00+01:00", "transportEventTypeCode": "ARRI",
  "transportCall": {"transportCallID": "tc-1", "exportVoyageNumber": "611W", "UNLocationCode": "MAPTM",
    "modeOfTransport": "VESSEL", "vessel": {"vesselIMONumber": "9632181", "vesselName": "STRAIT EXPRESS"}}}`
)

func TestMapBaseCasesMap(t *testing.T) {
	for _, give := range []string{discTNT2, discTNT3, arriTNT2} {
		got, err := dcsa.Map([]byte(give))
		if err != nil || len(got.Events) != 1 {
			t.Fatalf("Map(%s) = %+v, %v; the error cases below start from it", give, got, err)
		}
		mustCheck(t, got.Events[0])
	}
}

func TestMapErrors(t *testing.T) {
	tests := []struct {
		name       string
		give       string
		wantField  string // a DCSA field named by the error
		wantReason string // part of its reason
	}{
		{"not JSON", `{"eventType": "EQUIPMENT"`, "", "broken JSON"},
		{"trailing garbage", discTNT2 + ` x`, "", "broken JSON"},
		{"a number", `42`, "", "must be a JSON object"},
		{"null", `null`, "", "must be a JSON object"},
		{"missing eventType", edit(t, discTNT2, "eventType", nil), "eventType", "is required"},
		{"unknown eventType", edit(t, discTNT2, "eventType", "CARGO"), "eventType", `"CARGO" is not one of EQUIPMENT, TRANSPORT, SHIPMENT`},
		{"missing eventID", edit(t, discTNT2, "eventID", nil), "eventID", "is required"},
		{"unknown equipmentEventTypeCode", edit(t, discTNT2, "equipmentEventTypeCode", "LIFT"), "equipmentEventTypeCode", `"LIFT" is not one of`},
		{"missing equipmentEventTypeCode", edit(t, discTNT2, "equipmentEventTypeCode", nil), "equipmentEventTypeCode", "is required"},
		{"transport code on an equipment event", edit(t, edit(t, discTNT2, "equipmentEventTypeCode", nil), "transportEventTypeCode", "ARRI"), "equipmentEventTypeCode", "is required"},
		{"unknown transportEventTypeCode", edit(t, arriTNT2, "transportEventTypeCode", "BERT"), "transportEventTypeCode", `"BERT" is not one of ARRI, DEPA`},
		{"unknown eventClassifierCode", edit(t, discTNT2, "eventClassifierCode", "ACTUAL"), "eventClassifierCode", `"ACTUAL" is not one of ACT, PLN, EST, REQ`},
		{"bad container number", edit(t, discTNT2, "equipmentReference", "MSKU904551"), "equipmentReference", "not 11 characters"},
		{"container number not ISO", edit(t, discTNT2, "equipmentReference", "MSKX9045510"), "equipmentReference", "equipment category"},
		{"missing container number", edit(t, discTNT2, "equipmentReference", nil), "equipmentReference", "is required"},
		{"bad EQ reference", edit(t, edit(t, discTNT2, "equipmentReference", nil), "references", []any{map[string]any{"referenceType": "EQ", "referenceValue": "12"}}), "references[0].referenceValue", "not 11 characters"},
		{"missing eventDateTime", edit(t, discTNT2, "eventDateTime", nil), "eventDateTime", "is required"},
		{"eventDateTime without offset", edit(t, discTNT2, "eventDateTime", "2026-03-14T08:13:22"), "eventDateTime", "no UTC offset"},
		{"eventDateTime not a time", edit(t, discTNT2, "eventDateTime", "yesterday"), "eventDateTime", "not an RFC 3339 time"},
		{"eventCreatedDateTime not a time", edit(t, discTNT2, "eventCreatedDateTime", "14/03/2026"), "eventCreatedDateTime", "not an RFC 3339 time"},
		{"equipmentReference a number", edit(t, discTNT2, "equipmentReference", 9045510), "equipmentReference", "must be a string, got JSON number"},
		{"eventType a boolean", edit(t, discTNT2, "eventType", true), "eventType", "must be a string, got JSON bool"},
		{"transportCall a string", edit(t, discTNT2, "transportCall", "MAPTM"), "transportCall", "must be an object, got JSON string"},
		{"references an object", edit(t, discTNT2, "references", map[string]any{}), "references", "must be an array, got JSON object"},
		{"IMO number a number", edit(t, discTNT2, "transportCall.vessel.vesselIMONumber", 9632181), "transportCall.vessel.vesselIMONumber", "must be a string, got JSON number"},
		{"IMO check digit", edit(t, discTNT2, "transportCall.vessel.vesselIMONumber", "9632182"), "transportCall.vessel.vesselIMONumber", "not a 7-digit IMO number"},
		{"no vessel", edit(t, discTNT2, "transportCall.vessel", nil), "transportCall.vessel.vesselIMONumber", "is required for EQUIPMENT DISC"},
		{"voyage not ASCII", edit(t, discTNT2, "transportCall.exportVoyageNumber", "611Ö"), "transportCall.exportVoyageNumber", "must be printable ASCII"},
		{"no voyage", edit(t, discTNT2, "transportCall.exportVoyageNumber", nil), "transportCall.exportVoyageNumber", "exportVoyageNumber, importVoyageNumber or carrierVoyageNumber"},
		{"no transportCall on DISC", edit(t, discTNT2, "transportCall", nil), "transportCall", "is required for EQUIPMENT DISC"},
		{"no transportCall on ARRI", edit(t, arriTNT2, "transportCall", nil), "transportCall", "which vessel arrived"},
		{"TNT 3 missing eventID", edit(t, discTNT3, "metadata.eventID", nil), "metadata.eventID", "is required"},
		{"TNT 3 bad container number", edit(t, discTNT3, "payload.equipmentReference", "MSKU 9045 51"), "payload.equipmentReference", "not 11 characters"},
		{"TNT 3 eventDateTime a number", edit(t, discTNT3, "payload.eventDateTime", 20260314), "payload.eventDateTime", "must be a string, got JSON number"},
		{"TNT 3 metadata a string", edit(t, discTNT3, "metadata", "EQUIPMENT"), "metadata", "must be an object"},
		{"TNT 3 without payload", edit(t, discTNT3, "payload", nil), "payload", "is required"},
		{"TNT 3 no voyage", edit(t, discTNT3, "payload.transportCall.carrierExportVoyageNumber", nil), "payload.transportCall.carrierExportVoyageNumber", "carrierExportVoyageNumber or carrierImportVoyageNumber"},
		{"TNT 3 no transportCall", edit(t, discTNT3, "payload.transportCall", nil), "payload.transportCall", "is required for EQUIPMENT DISC"},
		{"Track and Trace 3.0.0 of 2025", `{"eventID": "x", "eventClassification": {"eventTypeCode": "EQUIPMENT"}}`, "eventClassification", "work in progress"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := dcsa.Map([]byte(tt.give))
			if err == nil {
				t.Fatalf("no error; mapped %+v", got)
			}
			var fe *es.FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v, want *es.FieldErrors", err, err)
			}
			for _, f := range fe.Fields {
				if f.Field == tt.wantField && strings.Contains(f.Reason, tt.wantReason) {
					return
				}
			}
			t.Errorf("error %q does not name %q with %q", err, tt.wantField, tt.wantReason)
		})
	}
}

func TestMapUnmapped(t *testing.T) {
	tangerMed := dcsa.Mapper{Locations: []string{"MAPTM"}}
	tests := []struct {
		name         string
		giveMapper   dcsa.Mapper
		give         string
		wantUnmapped string
	}{
		{"planned", dcsa.Mapper{}, edit(t, discTNT2, "eventClassifierCode", "PLN"), "PLN events are plans, not facts"},
		{"estimated", dcsa.Mapper{}, edit(t, discTNT2, "eventClassifierCode", "EST"), "EST events are estimates, not facts"},
		{"requested", dcsa.Mapper{}, edit(t, discTNT2, "eventClassifierCode", "REQ"), "REQ events are requests, not facts"},
		{"planned with a bad box is not checked further", dcsa.Mapper{}, edit(t, edit(t, discTNT2, "eventClassifierCode", "PLN"), "equipmentReference", "??"), "PLN events are plans"},
		{"STUF", dcsa.Mapper{}, edit(t, discTNT2, "equipmentEventTypeCode", "STUF"), "STUF (stuffed) has no canonical event yet"},
		{"STRP", dcsa.Mapper{}, edit(t, discTNT2, "equipmentEventTypeCode", "STRP"), "STRP (stripped) has no canonical event yet"},
		{"PICK", dcsa.Mapper{}, edit(t, discTNT2, "equipmentEventTypeCode", "PICK"), "PICK (pick-up"},
		{"DROP", dcsa.Mapper{}, edit(t, discTNT2, "equipmentEventTypeCode", "DROP"), "DROP (drop-off"},
		{"INSP", dcsa.Mapper{}, edit(t, discTNT2, "equipmentEventTypeCode", "INSP"), "INSP (inspected) has no canonical event yet"},
		{"RSEA", dcsa.Mapper{}, edit(t, discTNT2, "equipmentEventTypeCode", "RSEA"), "RSEA (resealed) has no canonical event yet"},
		{"RMVD", dcsa.Mapper{}, edit(t, discTNT2, "equipmentEventTypeCode", "RMVD"), "RMVD (removed) has no canonical event yet"},
		{"deprecated eventTypeCode", dcsa.Mapper{}, edit(t, edit(t, discTNT2, "equipmentEventTypeCode", nil), "eventTypeCode", "STUF"), "STUF (stuffed)"},
		{"shipment", dcsa.Mapper{}, `{"eventID": "s", "eventType": "SHIPMENT", "eventClassifierCode": "ACT", "eventDateTime": "2026-03-14T08:00:00Z", "shipmentEventTypeCode": "HOLD", "documentTypeCode": "SRM"}`, "SHIPMENT events (here HOLD)"},
		{"retraction", dcsa.Mapper{}, `{"metadata": {"eventID": "r", "eventType": "EQUIPMENT", "retractedEventID": "e-3"}}`, `retracts DCSA event "e-3"`},
		{"discharge onto rail", dcsa.Mapper{}, edit(t, discTNT2, "transportCall.modeOfTransport", "RAIL"), "DISC by RAIL: quay moves are to and from vessels only"},
		{"gate in by rail", dcsa.Mapper{}, edit(t, edit(t, discTNT2, "equipmentEventTypeCode", "GTIN"), "transportCall.modeOfTransport", "RAIL"), "GTIN by RAIL"},
		{"at a depot", dcsa.Mapper{}, edit(t, edit(t, discTNT2, "equipmentEventTypeCode", "GTIN"), "transportCall.facilityTypeCode", "DEPO"), "GTIN at a depot (DEPO), not a port terminal"},
		{"truck arrival", dcsa.Mapper{}, edit(t, arriTNT2, "transportCall.modeOfTransport", "TRUCK"), "ARRI of a TRUCK"},
		{"another port", tangerMed, edit(t, discTNT2, "transportCall.UNLocationCode", "KRPUS"), "DISC at KRPUS, not at MAPTM"},
		{"eventLocation before transportCall", tangerMed, edit(t, discTNT2, "eventLocation", map[string]any{"UNLocationCode": "ESALG"}), "DISC at ESALG, not at MAPTM"},
		{"TNT 3 another port", tangerMed, edit(t, discTNT3, "payload.transportCall.location.UNLocationCode", "NLRAM"), "DISC at NLRAM, not at MAPTM"},
		{"no location", tangerMed, edit(t, discTNT2, "transportCall.UNLocationCode", nil), "no UNLocationCode"},
		{"departure elsewhere", tangerMed, edit(t, edit(t, arriTNT2, "transportEventTypeCode", "DEPA"), "transportCall.UNLocationCode", "ESALG"), "DEPA at ESALG, not at MAPTM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.giveMapper.Map([]byte(tt.give))
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Events) != 0 || !strings.Contains(got.Unmapped, tt.wantUnmapped) {
				t.Errorf("got %d envelopes, Unmapped %q; want none and %q", len(got.Events), got.Unmapped, tt.wantUnmapped)
			}
		})
	}
}

func TestMapAtTheTerminal(t *testing.T) {
	tests := []struct {
		name       string
		give       string
		wantEvents []es.Event
		wantNote   string
	}{
		{"discharge at MAPTM", discTNT2, []es.Event{discharged("MSKU9045510", "9632181-611W")}, noteQuay},
		{"lower case and spaces", edit(t, edit(t, discTNT2, "equipmentReference", "mscu 123456 5"), "transportCall.exportVoyageNumber", " 611 W "), []es.Event{discharged("MSCU1234565", "9632181-611W")}, noteQuay},
		{"import voyage when there is no export voyage", edit(t, edit(t, discTNT2, "transportCall.exportVoyageNumber", nil), "transportCall.importVoyageNumber", "610E"), []es.Event{discharged("MSKU9045510", "9632181-610E")}, noteQuay},
		{"wrong check digit is a fact", edit(t, discTNT2, "equipmentReference", "MSKU9045511"), []es.Event{discharged("MSKU9045511", "9632181-611W")}, noteQuay},
		{"arrival of an unnamed vessel", edit(t, arriTNT2, "transportCall.vessel.vesselName", nil), []es.Event{quay.VesselArrived{Visit: "9632181-611W", Vessel: "IMO 9632181", IMO: "9632181"}}, "named after its IMO number"},
		{"TNT 3 gate in by a truck with an Arabic plate", edit(t, edit(t, edit(t, discTNT3, "payload.equipmentEventTypeCode", "GTIN"), "payload.transportCall.modeOfTransport", "TRUCK"), "payload.transportCall.licencePlate", "12345 أ 6"), []es.Event{gate.ContainerGatedIn{Container: idOf("MSKU9045510")}}, `the licence plate "12345أ6" is not an id`},
		{"TNT 3 load", edit(t, discTNT3, "payload.equipmentEventTypeCode", "LOAD"), []es.Event{loaded("MSKU9045510", "9632181-611W")}, noteQuay},
		{"fields not read may have any type", edit(t, edit(t, edit(t, discTNT2, "ISOEquipmentCode", 45), "seals", "none"), "transportCall.transportCallSequenceNumber", "4"), []es.Event{discharged("MSKU9045510", "9632181-611W")}, noteQuay},
	}
	tangerMed := dcsa.Mapper{Locations: []string{"maptm"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tangerMed.Map([]byte(tt.give))
			if err != nil {
				t.Fatal(err)
			}
			checkMapped(t, 0, got, want{events: tt.wantEvents, unmapped: tt.wantNote})
		})
	}
}

func TestMapDeterministic(t *testing.T) {
	for _, name := range testdataFiles(t) {
		body := readTestdata(t, name)
		first, _ := dcsa.MapBatch(body)
		again, _ := dcsa.MapBatch(body)
		a, _ := json.Marshal(first)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: mapping twice differs:\n%s\n%s", name, a, b)
		}
	}
}

func TestMapResent(t *testing.T) {
	first := mustMap(t, discTNT2)
	tests := []struct {
		name     string
		give     string
		wantSame bool
	}{
		{"sent again as is", discTNT2, true},
		{"sent again later, keys reordered and reindented", reindent(t, edit(t, discTNT2, "eventCreatedDateTime", "2026-03-14T09:00:00+01:00")), true},
		{"sent again in the TNT 3 shape", edit(t, discTNT3, "metadata.eventID", "e-1"), true},
		{"another event", edit(t, discTNT2, "eventID", "e-9"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustMap(t, tt.give)
			if same := got.Events[0].ID == first.Events[0].ID; same != tt.wantSame {
				t.Errorf("id %q, first %q: same = %v, want %v", got.Events[0].ID, first.Events[0].ID, same, tt.wantSame)
			}
			if tt.wantSame && !bytes.Equal(got.Events[0].Data, first.Events[0].Data) {
				t.Errorf("same id, different data: %s vs %s", got.Events[0].Data, first.Events[0].Data)
			}
		})
	}
}

func TestEnvelopeID(t *testing.T) {
	long := strings.Repeat("x", 101)
	tests := []struct {
		give      string
		giveIndex int
		want      string // "" when the id must be hashed
	}{
		{"3cecb101-7a1a-43a4-9d62-e88a131651e2", 0, "dcsa:3cecb101-7a1a-43a4-9d62-e88a131651e2/0"},
		{"evt-equip-001-2026-01-20T14:15:00Z", 2, "dcsa:evt-equip-001-2026-01-20T14:15:00Z/2"},
		{strings.Repeat("x", 100), 0, "dcsa:" + strings.Repeat("x", 100) + "/0"},
		{long, 0, ""},
		{"ACT 2022-11-17", 0, ""},
		{"événement", 0, ""},
	}
	for _, tt := range tests {
		got := dcsa.EnvelopeID(tt.give, tt.giveIndex)
		if len(got) > 128 {
			t.Errorf("EnvelopeID(%q) is %d characters, the contract allows 128", tt.give, len(got))
		}
		if got != dcsa.EnvelopeID(tt.give, tt.giveIndex) {
			t.Errorf("EnvelopeID(%q) is not deterministic", tt.give)
		}
		switch {
		case tt.want != "" && got != tt.want:
			t.Errorf("EnvelopeID(%q, %d) = %q, want %q", tt.give, tt.giveIndex, got, tt.want)
		case tt.want == "" && (!strings.HasPrefix(got, "dcsa#") || len(got) != len("dcsa#")+32+2):
			t.Errorf("EnvelopeID(%q) = %q, want dcsa#<32 hex digits>/0", tt.give, got)
		}
	}
	if dcsa.EnvelopeID("a", 0) == dcsa.EnvelopeID("a", 1) {
		t.Error("the index does not change the id")
	}
}

func TestMapBatch(t *testing.T) {
	tests := []struct {
		name      string
		give      string
		wantLen   int
		wantErrAt []int // events with an error; nil when errs must be nil
	}{
		{"one object", discTNT2, 1, nil},
		{"array", "[" + discTNT2 + "," + arriTNT2 + "]", 2, nil},
		{"NDJSON", compact(t, discTNT2) + "\n" + compact(t, arriTNT2) + "\n", 2, nil},
		{"array with a bad event", "[" + discTNT2 + `,{"eventType": "EQUIPMENT"},` + arriTNT2 + "]", 3, []int{1}},
		{"array of numbers", "[1, 2]", 2, []int{0, 1}},
		{"not JSON", "[{", 0, []int{0}},
		{"empty", "  ", 0, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := dcsa.MapBatch([]byte(tt.give))
			if len(got) != tt.wantLen {
				t.Fatalf("%d mapped, want %d", len(got), tt.wantLen)
			}
			if tt.wantErrAt == nil {
				if errs != nil {
					t.Fatalf("errs = %v, want nil", errs)
				}
				return
			}
			var at []int
			for i, err := range errs {
				if err != nil {
					var fe *es.FieldErrors
					if !errors.As(err, &fe) {
						t.Errorf("error %d is %T, want *es.FieldErrors", i, err)
					}
					at = append(at, i)
				}
			}
			if !reflect.DeepEqual(at, tt.wantErrAt) {
				t.Errorf("errors at %v (%v), want at %v", at, errs, tt.wantErrAt)
			}
		})
	}
}

// helpers

var (
	schemas = sync.OnceValues(jsonschema.Compile)
	layout  = sync.OnceValues(tangermed.Layout)
)

func tangerMedLayout(t *testing.T) *yard.Layout {
	t.Helper()
	l, err := layout()
	if err != nil {
		t.Fatalf("Tanger Med layout: %v", err)
	}
	return l
}

func compiledSchemas(t *testing.T) *jsonschema.Schemas {
	t.Helper()
	s, err := schemas()
	if err != nil {
		t.Fatalf("compile the contract's JSON Schemas: %v", err)
	}
	return s
}

func idOf(s string) iso6346.ContainerID { return iso6346.ContainerID(s) }

func mustMap(t *testing.T, give string) dcsa.Mapped {
	t.Helper()
	got, err := dcsa.Map([]byte(give))
	if err != nil || len(got.Events) == 0 {
		t.Fatalf("Map = %+v, %v", got, err)
	}
	return got
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testdataFiles lists every example under testdata, relative to it.
func testdataFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			rel, _ := filepath.Rel("testdata", path)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil || len(out) < 9 {
		t.Fatalf("testdata: %v (%d files)", err, len(out))
	}
	return out
}

// edit returns the JSON object give with the value at the dotted path set to v, or deleted when v is
// nil. Missing objects on the way are created.
func edit(t *testing.T, give, path string, v any) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(give), &doc); err != nil {
		t.Fatalf("edit: %v", err)
	}
	keys := strings.Split(path, ".")
	m := doc
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	if v == nil {
		delete(m, keys[len(keys)-1])
	} else {
		m[keys[len(keys)-1]] = v
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func reindent(t *testing.T, give string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(give), "", "\t"); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func compact(t *testing.T, give string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(give)); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
