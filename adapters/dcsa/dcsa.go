package dcsa

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/quay"
)

// Mapped is what became of one DCSA event.
type Mapped struct {
	// Events are the canonical envelopes, ready for the ingest: specversion 1.0, id from EnvelopeID,
	// source SourceTNT2 or SourceTNT3, time = eventDateTime in UTC, subject = the stream, the newest
	// schema version of the type and the data of the canonical event.
	Events []es.Envelope
	// Unmapped is non-empty when the event, or part of it, has no canonical meaning, and says why:
	// "PLN events are plans, not facts", or what a partial mapping left out.
	Unmapped string
	// EventID is the DCSA eventID, for reports and for keeping an unmapped event once.
	EventID string
}

// Mapper maps DCSA events for one terminal. The zero value maps events wherever they happened.
type Mapper struct {
	// Locations are the UN/LOCODEs of the terminal's port (e.g. "MAPTM"). When set, an event that
	// happened elsewhere, or whose location is not given, is Unmapped: a carrier's feed reports a box's
	// whole journey, and a discharge in Busan is not a fact of Tanger Med.
	Locations []string
}

// Map maps one DCSA event (TNT 2.2 or 3.0.0-Beta-1) wherever it happened. Errors are *es.FieldErrors
// naming the DCSA field at fault ("equipmentReference: …").
func Map(raw []byte) (Mapped, error) { return Mapper{}.Map(raw) }

// MapBatch maps a JSON array of DCSA events, or one event, wherever they happened; see Mapper.MapBatch.
func MapBatch(body []byte) ([]Mapped, []error) { return Mapper{}.MapBatch(body) }

// Map maps one DCSA event. Errors are *es.FieldErrors naming the DCSA field at fault.
func (m Mapper) Map(raw []byte) (Mapped, error) {
	e, err := decode(raw)
	if err != nil {
		return Mapped{}, err
	}
	out, err := m.mapEvent(e)
	out.EventID = strings.TrimSpace(e.id.value)
	return out, err
}

// MapBatch maps a JSON array of DCSA events, one event, or NDJSON. The Mapped are in the order of the
// events. errs is nil when every event mapped; otherwise it has one entry per event, nil for those
// that mapped. A body that cannot be split into events gives no Mapped and one error.
func (m Mapper) MapBatch(body []byte) ([]Mapped, []error) {
	raws, err := contract.SplitBatch(body)
	if err != nil {
		return nil, []error{es.Invalid("", err.Error())}
	}
	out := make([]Mapped, len(raws))
	var errs []error
	for i, raw := range raws {
		mp, err := m.Map(raw)
		if err != nil {
			if errs == nil {
				errs = make([]error, len(raws))
			}
			errs[i] = err
			continue
		}
		out[i] = mp
	}
	return out, errs
}

// EnvelopeID is the id of the index-th canonical envelope mapped from the DCSA event eventID. It
// depends on nothing else, so a re-sent event maps to the same ids and the twin stores it once.
// A DCSA eventID of up to 100 printable ASCII characters is kept readable ("dcsa:<eventID>/0"); a
// longer or unusual one is replaced by its SHA-256 ("dcsa#<32 hex digits>/0").
func EnvelopeID(eventID string, index int) string {
	if readable(eventID) {
		return "dcsa:" + eventID + "/" + strconv.Itoa(index)
	}
	sum := sha256.Sum256([]byte(eventID))
	return "dcsa#" + hex.EncodeToString(sum[:16]) + "/" + strconv.Itoa(index)
}

func readable(s string) bool { return len(s) <= 100 && printableASCII(s) }

// printableASCII reports whether s is non-empty and all printable ASCII without spaces, the
// characters of the contract's ids.
func printableASCII(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// registry knows the newest schema version of every canonical type.
var registry = contract.NewRegistry()

// Code lists of TNT 2.2 and 3.0.0-Beta-1.
var (
	eventTypes  = []string{"EQUIPMENT", "TRANSPORT", "SHIPMENT"}
	classifiers = []string{"ACT", "PLN", "EST", "REQ"}
	// notFacts says why events of a classifier other than ACT are not recorded.
	notFacts = map[string]string{
		"PLN": "PLN events are plans, not facts",
		"EST": "EST events are estimates, not facts",
		"REQ": "REQ events are requests, not facts",
	}
	equipmentCodes = []string{"LOAD", "DISC", "GTIN", "GTOT", "STUF", "STRP", "PICK", "DROP", "INSP", "RSEA", "RMVD"}
	// noCanonical says why an equipment event type has no canonical event.
	noCanonical = map[string]string{
		"STUF": "STUF (stuffed) has no canonical event yet: the twin does not follow cargo into boxes",
		"STRP": "STRP (stripped) has no canonical event yet: the twin does not follow cargo out of boxes",
		"PICK": "PICK (pick-up of a box by a merchant or haulier) has no canonical event yet: at a terminal gate it is reported as GTOT",
		"DROP": "DROP (drop-off of a box by a merchant or haulier) has no canonical event yet: at a terminal gate it is reported as GTIN",
		"INSP": "INSP (inspected) has no canonical event yet: holds are yard.ContainerHeld and yard.ContainerReleased, an inspection done is neither",
		"RSEA": "RSEA (resealed) has no canonical event yet: seals are not part of the contract",
		"RMVD": "RMVD (removed) has no canonical event yet",
	}
	transportCodes = []string{"ARRI", "DEPA"}
	// facilityTypes names DCSA facility type codes; only POTE (port terminal) is a place the twin mirrors.
	facilityTypes = map[string]string{
		"BOCR": "border crossing", "CLOC": "customer location", "COFS": "container freight station",
		"COYA": "off-dock storage", "OFFD": "off-dock storage", "DEPO": "depot", "INTE": "inland terminal",
		"POTE": "port terminal", "RAMP": "rail ramp",
	}
)

// Notes on partial mappings.
const (
	noteNoVessel  = "partial: the vessel has no name in the event; it is named after its IMO number"
	maxVoyageLen  = 64 - 8 // a visit id is "<7-digit IMO>-<voyage>" and ids have at most 64 characters
	maxTruckIDLen = 64
)

func (m Mapper) mapEvent(e event) (Mapped, error) {
	t, code, err := e.check()
	if err != nil {
		return Mapped{}, err
	}
	if e.retracts != "" {
		return unmapped(fmt.Sprintf("retracts DCSA event %q: a retraction has no canonical event yet (the twin keeps the facts it was told; a correction would be its own event)", e.retracts)), nil
	}
	if reason, ok := notFacts[e.classifier.norm()]; ok {
		return unmapped(reason), nil
	}
	switch t {
	case "EQUIPMENT":
		return m.equipmentEvent(e, code)
	case "TRANSPORT":
		return m.transportEvent(e, code)
	default: // SHIPMENT, the only other type check lets through
		return unmapped(fmt.Sprintf("SHIPMENT events (here %s) follow documents such as bookings and bills of lading, not boxes or vessels: no canonical event", code)), nil
	}
}

func unmapped(reason string) Mapped { return Mapped{Unmapped: reason} }

// check refuses an event whose envelope fields (id, type, classifier, code, times) are missing or
// malformed, and returns its type and code in capitals.
func (e event) check() (string, string, error) {
	var c es.Check
	c.Require(e.id.path, e.id.value)
	t := e.eventType.norm()
	c.OneOf(e.eventType.path, t, eventTypes...)
	if e.created.value != "" {
		if _, err := parseTime(e.created.value); err != nil {
			c.Add(e.created.path, err.Error())
		}
	}
	if e.retracts != "" {
		return t, "", c.Err()
	}
	if e.noPayload {
		c.Add("payload", "is required (only an event with metadata.retractedEventID has none)")
		return t, "", c.Err()
	}
	c.OneOf(e.classifier.path, e.classifier.norm(), classifiers...)
	if c.Require(e.at.path, e.at.value) {
		if _, err := parseTime(e.at.value); err != nil {
			c.Add(e.at.path, err.Error())
		}
	}
	var code string
	switch t {
	case "EQUIPMENT":
		code = e.codeOf(&c, e.equipmentCode, equipmentCodes)
	case "TRANSPORT":
		code = e.codeOf(&c, e.transportCode, transportCodes)
	case "SHIPMENT":
		code = e.codeOf(&c, e.shipmentCode, nil)
	}
	return t, code, c.Err()
}

// codeOf returns the event type code in f (or in the deprecated eventTypeCode when f is absent),
// checked against allowed unless allowed is nil.
func (e event) codeOf(c *es.Check, f field, allowed []string) string {
	if strings.TrimSpace(f.value) == "" && strings.TrimSpace(e.legacyCode.value) != "" {
		f = e.legacyCode
	}
	code := f.norm()
	if allowed == nil {
		c.Require(f.path, code)
		return code
	}
	c.OneOf(f.path, code, allowed...)
	return code
}

// parseTime reads an RFC 3339 time; DCSA's "ISO 8601" times must carry their UTC offset.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err == nil {
		return t.UTC(), nil
	}
	if _, local := time.Parse("2006-01-02T15:04:05.999999999", strings.TrimSpace(s)); local == nil {
		return time.Time{}, fmt.Errorf("%q has no UTC offset: write it as 2026-03-14T08:13:22+01:00 or …Z", s)
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time such as 2026-03-14T08:13:22+01:00", s)
}

// elsewhere says why an event is not a fact of this terminal, or "".
func (m Mapper) elsewhere(e event) string {
	if ft := e.facility.norm(); ft != "" && ft != "POTE" {
		if name, ok := facilityTypes[ft]; ok {
			return fmt.Sprintf("at a %s (%s), not a port terminal", name, ft)
		}
		return fmt.Sprintf("at facility type %q, not a port terminal (POTE)", ft)
	}
	if len(m.Locations) == 0 {
		return ""
	}
	where := e.where.norm()
	if where == "" {
		return "no UNLocationCode in eventLocation or transportCall: cannot tell whether it happened at " + strings.Join(m.Locations, ", ")
	}
	if !slices.ContainsFunc(m.Locations, func(l string) bool { return strings.EqualFold(l, where) }) {
		return fmt.Sprintf("at %s, not at %s", where, strings.Join(m.Locations, ", "))
	}
	return ""
}

func (m Mapper) equipmentEvent(e event, code string) (Mapped, error) {
	if reason, ok := noCanonical[code]; ok {
		return unmapped(reason), nil
	}
	if reason := m.elsewhere(e); reason != "" {
		return unmapped(code + " " + reason), nil
	}
	mode := ""
	if e.call != nil {
		mode = e.call.mode.norm()
	}
	var c es.Check
	switch code {
	case "DISC", "LOAD":
		if mode != "" && mode != "VESSEL" {
			return unmapped(fmt.Sprintf("%s by %s: quay moves are to and from vessels only", code, mode)), nil
		}
		box := e.container(&c)
		visit := e.visit(&c, "EQUIPMENT "+code)
		if err := c.Err(); err != nil {
			return Mapped{}, err
		}
		mv := quay.Move{Container: box, Visit: visit} // DCSA names no quay crane or cell
		if code == "DISC" {
			return e.mapped("", quay.ContainerDischarged(mv))
		}
		return e.mapped("", quay.ContainerLoaded(mv))
	default: // GTIN, GTOT
		if mode == "RAIL" || mode == "BARGE" {
			return unmapped(fmt.Sprintf("%s by %s: gate events are road-truck passes only", code, mode)), nil
		}
		box := e.container(&c)
		var truck, note string // DCSA names no gate lane, and a truck only in TNT 3
		if e.call != nil && mode == "TRUCK" {
			// Moroccan plates carry an Arabic letter; the contract's ids are ASCII (its JSON Schema
			// says so), so such a plate is not used rather than refused.
			switch plate := strings.Join(strings.Fields(e.call.truck.value), ""); {
			case plate == "":
			case len(plate) > maxTruckIDLen || !printableASCII(plate):
				note = fmt.Sprintf("partial: the licence plate %q is not an id of at most %d printable ASCII characters, so the truck is left out", plate, maxTruckIDLen)
			default:
				truck = plate
			}
		}
		if err := c.Err(); err != nil {
			return Mapped{}, err
		}
		pass := gate.BoxPass{Container: box, Truck: truck}
		if code == "GTIN" {
			return e.mapped(note, gate.ContainerGatedIn(pass))
		}
		return e.mapped(note, gate.ContainerGatedOut(pass))
	}
}

func (m Mapper) transportEvent(e event, code string) (Mapped, error) {
	if e.call == nil {
		return Mapped{}, es.Invalid(transportCallPath(e), "is required: it says which vessel arrived or departed")
	}
	if mode := e.call.mode.norm(); mode != "" && mode != "VESSEL" {
		return unmapped(fmt.Sprintf("%s of a %s: only vessel visits are canonical (gate.TruckArrived needs a gate lane DCSA does not carry)", code, mode)), nil
	}
	if reason := m.elsewhere(e); reason != "" {
		return unmapped(code + " " + reason), nil
	}
	var c es.Check
	visit := e.visit(&c, "TRANSPORT "+code)
	if err := c.Err(); err != nil {
		return Mapped{}, err
	}
	if code == "DEPA" {
		return e.mapped("", quay.VesselDeparted{Visit: visit})
	}
	imo := strings.TrimSpace(e.call.imo.value)
	name, note := strings.TrimSpace(e.call.vesselName.value), ""
	if name == "" {
		name, note = "IMO "+imo, noteNoVessel
	}
	return e.mapped(note, quay.VesselArrived{Visit: visit, Vessel: name, IMO: imo})
}

func transportCallPath(e event) string {
	if e.source == SourceTNT3 {
		return "payload.transportCall"
	}
	return "transportCall"
}

// container reads the box's ISO 6346 number. A wrong check digit is not an error: the twin records the
// box as reported and raises an anomaly.
func (e event) container(c *es.Check) iso6346.ContainerID {
	f := e.equipment
	if strings.TrimSpace(f.value) == "" {
		c.Add(f.path, "is required: it is the container number")
		return ""
	}
	id, err := iso6346.ParseContainerID(strings.TrimSpace(f.value))
	if err != nil {
		c.Add(f.path, err.Error()+" (an ISO 6346 container number such as MSKU9045510)")
	}
	return id
}

// visit names the vessel visit of a transport call: "<IMO number>-<voyage number>", e.g.
// "9321483-2103S". The voyage is the export voyage when given: DCSA's own rule for its deprecated
// single carrierVoyageNumber. what names the event for the errors.
func (e event) visit(c *es.Check, what string) string {
	k := e.call
	if k == nil {
		c.Add(transportCallPath(e), "is required for "+what+": its vessel IMO number and voyage number name the vessel visit")
		return ""
	}
	imo := strings.TrimSpace(k.imo.value)
	switch {
	case imo == "":
		c.Add(k.imo.path, "is required for "+what+": with the voyage number it names the vessel visit")
	case !quay.ValidIMO(imo):
		c.Addf(k.imo.path, "%q is not a 7-digit IMO number with a valid check digit", imo)
	}
	voyage := strings.Join(strings.Fields(k.voyage.value), "")
	switch {
	case voyage == "":
		c.Addf(k.voyage.path, "is required for %s (or one of %s): with the IMO number it names the vessel visit", what, k.voyageFields)
	case len(voyage) > maxVoyageLen:
		c.Addf(k.voyage.path, "is %d characters long, at most %d allowed", len(voyage), maxVoyageLen)
	case !printableASCII(voyage):
		c.Addf(k.voyage.path, "%q must be printable ASCII: it becomes part of the visit id", k.voyage.value)
	}
	return imo + "-" + voyage
}

// mapped wraps canonical events into envelopes numbered from 0.
func (e event) mapped(note string, evs ...es.Event) (Mapped, error) {
	at, err := parseTime(e.at.value) // checked already
	if err != nil {
		return Mapped{}, es.Invalid(e.at.path, err.Error())
	}
	out := Mapped{Unmapped: note, Events: make([]es.Envelope, 0, len(evs))}
	for i, ev := range evs {
		// The checks above should leave nothing for Validate to find; if they miss something, the
		// event is refused here rather than by the ingest with field names the sender never wrote.
		if err := ev.Validate(); err != nil {
			return Mapped{}, es.Invalid("", fmt.Sprintf("maps to an invalid %s: %v", ev.EventType(), err))
		}
		data, err := json.Marshal(ev)
		if err != nil {
			panic("dcsa: marshal " + ev.EventType() + ": " + err.Error() + " (cannot happen: canonical events are plain structs of strings and numbers)")
		}
		schema, ok := registry.Newest(ev.EventType())
		if !ok {
			panic("dcsa: " + ev.EventType() + " is not in contract.NewRegistry, yet this package only builds contract types")
		}
		out.Events = append(out.Events, es.Envelope{
			SpecVersion:     es.SpecVersion,
			ID:              EnvelopeID(strings.TrimSpace(e.id.value), i),
			Source:          e.source,
			Type:            ev.EventType(),
			Time:            at,
			Subject:         ev.Stream(),
			DataContentType: "application/json",
			SchemaVersion:   schema,
			Data:            data,
		})
	}
	return out, nil
}
