package jsonschema_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/yardtwin/yardtwin/adapters/jsonschema"
	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/contract/contracttest"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/quay"
)

var compiled = sync.OnceValues(jsonschema.Compile)

func schemas(t *testing.T) *jsonschema.Schemas {
	t.Helper()
	s, err := compiled()
	if err != nil {
		t.Fatalf("CompileSchemas: %v", err)
	}
	return s
}

// TestSchemaForEveryType requires a schema file for the newest version of every registered type,
// naming its type and version, and no schema file for a type or version the registry lacks.
func TestSchemaForEveryType(t *testing.T) {
	reg := contract.NewRegistry()
	for _, typ := range reg.Types() {
		newest, _ := reg.Newest(typ)
		b, ok := contract.SchemaFor(typ, newest)
		if !ok {
			t.Errorf("%s v%d has no schema: add domain/contract/schema/%s.v%d.json", typ, newest, typ, newest)
			continue
		}
		var sch struct {
			ID         string `json:"$id"`
			Properties struct {
				Type          struct{ Const string }
				SchemaVersion struct{ Const int }
			}
			Examples []json.RawMessage
		}
		if err := json.Unmarshal(b, &sch); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		wantID := fmt.Sprintf("https://yardtwin.dev/schema/v1/%s.v%d.json", typ, newest)
		if sch.ID != wantID || sch.Properties.Type.Const != typ || sch.Properties.SchemaVersion.Const != newest {
			t.Errorf("%s v%d: $id %q, type const %q, schemaversion const %d", typ, newest, sch.ID,
				sch.Properties.Type.Const, sch.Properties.SchemaVersion.Const)
		}
		if len(sch.Examples) == 0 {
			t.Errorf("%s v%d: the schema has no examples", typ, newest)
		}
	}

	err := fs.WalkDir(contract.SchemaFiles(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || name == "envelope.v1.json" || name == "defs.v1.json" {
			return err
		}
		typ, v, ok := contract.ParseSchemaName(name)
		newest, known := reg.Newest(typ)
		if !ok || !known || v > newest {
			t.Errorf("schema file %s names no registered type and version", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ giveType string }{{"envelope"}, {"defs"}, {"../schema/defs"}, {"yard.NoSuchEvent"}} {
		if _, ok := contract.SchemaFor(tt.giveType, 1); ok {
			t.Errorf("SchemaFor(%q, 1) found a schema", tt.giveType)
		}
	}
}

// TestFixturesMatchSchemas validates every frozen fixture against the schema of its type and version.
func TestFixturesMatchSchemas(t *testing.T) {
	s := schemas(t)
	for _, fx := range contracttest.Fixtures(t, "../../domain") {
		if err := s.Validate(fx.Type, fx.Version, fx.Raw); err != nil {
			t.Errorf("%s: %v", fx.Path, err)
		}
	}
}

// TestSchemaExamples validates the examples written in the schema files, and requires that the
// Go path accepts them too.
func TestSchemaExamples(t *testing.T) {
	s := schemas(t)
	checker := contract.NewChecker(contract.NewRegistry(), nil)
	err := fs.WalkDir(contract.SchemaFiles(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(contract.SchemaFiles(), name)
		if err != nil {
			return err
		}
		var sch struct{ Examples []json.RawMessage }
		if err := json.Unmarshal(b, &sch); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for i, ex := range sch.Examples {
			typ, version := typeAndVersion(t, ex)
			if err := s.Validate(typ, version, ex); err != nil {
				t.Errorf("%s example %d: schema: %v", name, i, err)
			}
			if err := parseAndCheck(checker, ex); err != nil {
				t.Errorf("%s example %d: Parse/Check: %v", name, i, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRejectedByBoth is the agreement test: each malformed envelope is refused by the schema and by
// Parse+Check, and both name the same field.
func TestRejectedByBoth(t *testing.T) {
	tests := []struct {
		name      string
		giveType  string // the fixture to start from
		giveEdits []edit
		wantField string
	}{
		{"missing id", "yard.ContainerStacked", []edit{del("id")}, "id"},
		{"missing quay_from_m", "quay.VesselBerthed", []edit{del("data.quay_from_m")}, "data.quay_from_m"},
		{"missing lat", "equipment.PositionReported", []edit{del("data.lat")}, "data.lat"},
		{"cell with a plus sign", "quay.ContainerLoaded", []edit{set("data.cell", "+10101")}, "data.cell"},
		{"id longer than 128", "yard.ContainerStacked", []edit{set("id", strings.Repeat("x", 129))}, "id"},
		{"missing source", "yard.ContainerStacked", []edit{del("source")}, "source"},
		{"specversion 0.3", "yard.ContainerStacked", []edit{set("specversion", "0.3")}, "specversion"},
		{"missing time", "yard.ContainerStacked", []edit{del("time")}, "time"},
		{"bad time", "yard.ContainerStacked", []edit{set("time", "14/03/2026 07:31")}, "time"},
		{"time without offset", "yard.ContainerStacked", []edit{set("time", "2026-03-14T07:31:05")}, "time"},
		{"unknown type", "yard.ContainerStacked", []edit{set("type", "yard.ContainerTeleported")}, "type"},
		{"unknown schema version", "yard.ContainerStacked", []edit{set("schemaversion", 2)}, "schemaversion"},
		{"datacontenttype xml", "yard.ContainerStacked", []edit{set("datacontenttype", "application/xml")}, "datacontenttype"},
		{"missing data", "yard.ContainerStacked", []edit{del("data")}, "data"},
		{"null data", "yard.ContainerStacked", []edit{set("data", nil)}, "data"},
		{"data is a string", "yard.ContainerStacked", []edit{set("data", "MSKU9045510 A01.23.04.2")}, "data"},
		{"subject of another stream", "yard.ContainerStacked", []edit{set("subject", "visit-STEX-611W")}, "subject"},
		{"missing data.container", "yard.ContainerStacked", []edit{del("data.container")}, "data.container"},
		{"container in lower case", "yard.ContainerStacked", []edit{set("data.container", "msku9045510")}, "data.container"},
		{"container with spaces", "yard.ContainerStacked", []edit{set("data.container", "MSKU 904551 0")}, "data.container"},
		{"container category X", "yard.ContainerStacked", []edit{set("data.container", "MSKX9045510")}, "data.container"},
		{"container too short", "gate.ContainerGatedIn", []edit{set("data.container", "HLXU301877")}, "data.container"},
		{"tier 0", "yard.ContainerStacked", []edit{set("data.tier", 0)}, "data.tier"},
		{"bay -1", "yard.ContainerStacked", []edit{set("data.bay", -1)}, "data.bay"},
		{"missing row", "yard.ContainerLifted", []edit{del("data.row")}, "data.row"},
		{"tier as a string", "yard.ContainerStacked", []edit{set("data.tier", "2")}, "data.tier"},
		{"tier 2.5", "yard.ContainerStacked", []edit{set("data.tier", 2.5)}, "data.tier"},
		{"block with a space", "yard.ContainerStacked", []edit{set("data.block", "A 01")}, "data.block"},
		{"block of 65 characters", "yard.ContainerStacked", []edit{set("data.block", strings.Repeat("A", 65))}, "data.block"},
		{"missing crane", "yard.ContainerLifted", []edit{del("data.crane")}, "data.crane"},
		{"weight 50000", "yard.ContainerAnnounced", []edit{set("data.weight_kg", 50000)}, "data.weight_kg"},
		{"weight 0", "yard.ContainerAnnounced", []edit{set("data.weight_kg", 0)}, "data.weight_kg"},
		{"missing weight", "yard.ContainerAnnounced", []edit{del("data.weight_kg")}, "data.weight_kg"},
		{"unknown category", "yard.ContainerAnnounced", []edit{set("data.category", "reefer")}, "data.category"},
		{"size-type 22X1", "yard.ContainerAnnounced", []edit{set("data.size_type", "22X1")}, "data.size_type"},
		{"size-type in lower case", "yard.ContainerAnnounced", []edit{set("data.size_type", "45r1")}, "data.size_type"},
		{"reefer as a string", "yard.ContainerAnnounced", []edit{set("data.reefer", "yes")}, "data.reefer"},
		{"unknown hold", "yard.ContainerHeld", []edit{set("data.hold", "lunch")}, "data.hold"},
		{"missing hold", "yard.ContainerReleased", []edit{del("data.hold")}, "data.hold"},
		{"lon 200", "equipment.PositionReported", []edit{set("data.lon", 200)}, "data.lon"},
		{"lat -91", "equipment.PositionReported", []edit{set("data.lat", -91)}, "data.lat"},
		{"null island", "equipment.PositionReported", []edit{set("data.lon", 0), set("data.lat", 0)}, "data.lon"},
		{"heading 360", "equipment.PositionReported", []edit{set("data.heading_deg", 360)}, "data.heading_deg"},
		{"speed 60 m/s", "equipment.PositionReported", []edit{set("data.speed_mps", 60)}, "data.speed_mps"},
		{"unknown kind", "equipment.PositionReported", []edit{set("data.kind", "forklift")}, "data.kind"},
		{"unknown status", "equipment.StatusChanged", []edit{set("data.status", "broken")}, "data.status"},
		{"equipment id with a space", "equipment.StatusChanged", []edit{set("data.equipment", "QC 03")}, "data.equipment"},
		{"cell of 5 digits", "quay.ContainerDischarged", []edit{set("data.cell", "12345")}, "data.cell"},
		{"cell of 8 digits", "quay.ContainerDischarged", []edit{set("data.cell", "03402840")}, "data.cell"},
		{"cell bay 0", "quay.ContainerLoaded", []edit{set("data.cell", "000612")}, "data.cell"},
		{"cell tier 00", "quay.ContainerLoaded", []edit{set("data.cell", "0340200")}, "data.cell"},
		{"cell with a letter", "quay.ContainerLoaded", []edit{set("data.cell", "19061A")}, "data.cell"},
		{"imo of 6 digits", "quay.VesselArrived", []edit{set("data.imo", "963218")}, "data.imo"},
		{"blank vessel name", "quay.VesselArrived", []edit{set("data.vessel", "  ")}, "data.vessel"},
		{"negative planned discharge", "quay.VesselArrived", []edit{set("data.planned_discharge", -1)}, "data.planned_discharge"},
		{"missing visit", "quay.VesselDeparted", []edit{del("data.visit")}, "data.visit"},
		{"unknown side", "quay.VesselBerthed", []edit{set("data.side", "left")}, "data.side"},
		{"quay span before the quay", "quay.VesselBerthed", []edit{set("data.quay_from_m", -5)}, "data.quay_from_m"},
		{"quay span ends at 0", "quay.VesselBerthed", []edit{set("data.quay_from_m", 0), set("data.quay_to_m", 0)}, "data.quay_to_m"},
		{"missing lane", "gate.TruckArrived", []edit{del("data.lane")}, "data.lane"},
	}
	s := schemas(t)
	checker := contract.NewChecker(contract.NewRegistry(), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := fromFixture(t, tt.giveType, tt.giveEdits...)
			typ, version := typeAndVersion(t, raw)
			requireField(t, "schema", s.Validate(typ, version, raw), tt.wantField)
			requireField(t, "Parse/Check", parseAndCheck(checker, raw), tt.wantField)
		})
	}
}

// TestAcceptedByBoth: what the contract allows on purpose, both sides allow.
func TestAcceptedByBoth(t *testing.T) {
	tests := []struct {
		name      string
		giveType  string
		giveEdits []edit
	}{
		{"unknown data field (added later without a version bump)", "yard.ContainerStacked", []edit{set("data.tos_move_ref", "M-7731")}},
		{"CloudEvents extension attribute", "yard.ContainerStacked", []edit{set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")}},
		{"store attributes sent back", "yard.ContainerStacked", []edit{set("recordedtime", "2026-03-14T07:31:06Z"), set("position", 812), set("streamversion", 3)}},
		{"no schemaversion (newest)", "yard.ContainerStacked", []edit{del("schemaversion")}},
		{"no subject", "yard.ContainerStacked", []edit{del("subject")}},
		{"no datacontenttype", "yard.ContainerStacked", []edit{del("datacontenttype")}},
		{"time with an offset", "yard.ContainerStacked", []edit{set("time", "2026-03-14T08:31:05+01:00")}},
		{"time with nanoseconds", "yard.ContainerStacked", []edit{set("time", "2026-03-14T07:31:05.123456789Z")}},
		{"no optional truck", "yard.ContainerStacked", []edit{del("data.truck")}},
		{"no truck or lane at the gate (DCSA)", "gate.ContainerGatedOut", []edit{del("data.truck"), del("data.lane")}},
		{"no crane or cell on a quay move (DCSA)", "quay.ContainerLoaded", []edit{del("data.crane"), del("data.cell")}},
		{"40000 kg", "yard.ContainerAnnounced", []edit{set("data.weight_kg", 40000)}},
		{"no optional reefer or visit", "yard.ContainerAnnounced", []edit{del("data.reefer"), del("data.visit")}},
		{"wrong check digit (a fact, flagged downstream)", "yard.ContainerHeld", []edit{set("data.container", "TGHU8712041"), del("subject")}},
		{"cell row 00", "quay.ContainerLoaded", []edit{set("data.cell", "190002")}},
		{"cell bay 100", "quay.ContainerLoaded", []edit{set("data.cell", "1000284")}},
		{"on the equator", "equipment.PositionReported", []edit{set("data.lat", 0)}},
		{"on the Greenwich meridian", "equipment.PositionReported", []edit{set("data.lon", 0)}},
		{"standing still, heading north", "equipment.PositionReported", []edit{set("data.speed_mps", 0), set("data.heading_deg", 0)}},
		{"no optional heading or speed", "equipment.PositionReported", []edit{del("data.heading_deg"), del("data.speed_mps")}},
		{"no imo or plan", "quay.VesselArrived", []edit{del("data.imo"), del("data.planned_discharge"), del("data.planned_load")}},
	}
	s := schemas(t)
	checker := contract.NewChecker(contract.NewRegistry(), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := fromFixture(t, tt.giveType, tt.giveEdits...)
			typ, version := typeAndVersion(t, raw)
			if err := s.Validate(typ, version, raw); err != nil {
				t.Errorf("schema: %v", err)
			}
			if err := parseAndCheck(checker, raw); err != nil {
				t.Errorf("Parse/Check: %v", err)
			}
		})
	}
}

// TestSchemaLooserThanGo pins what the schemas cannot check and the twin refuses: cross-field and
// check-digit rules, and differences in counting and parsing. An integrator whose events pass the
// schema can still be refused on these. Move a case to TestRejectedByBoth once the schema learns it.
func TestSchemaLooserThanGo(t *testing.T) {
	tests := []struct {
		name      string
		giveType  string
		giveEdits []edit
		wantField string // the field Parse/Check names
	}{
		{"imo check digit", "quay.VesselArrived", []edit{set("data.imo", "9632182")}, "data.imo"},
		{"quay span ends before it starts", "quay.VesselBerthed", []edit{set("data.quay_to_m", 300)}, "data.quay_to_m"},
		{"subject names another box", "yard.ContainerStacked", []edit{set("subject", "container-MAEU7193022")}, "subject"},
		{"integer written 2.0", "yard.ContainerStacked", []edit{set("data.tier", json.Number("2.0"))}, "data.tier"},
		{"id of 128 characters but 256 bytes", "yard.ContainerStacked", []edit{set("id", strings.Repeat("é", 128))}, "id"},
		{"vessel name of a no-break space", "quay.VesselArrived", []edit{set("data.vessel", "\u00a0")}, "data.vessel"},
		{"leap second", "yard.ContainerStacked", []edit{set("time", "2026-06-30T23:59:60Z")}, "time"},
		{"lower-case t and z in time", "yard.ContainerStacked", []edit{set("time", "2026-03-14t07:31:05z")}, "time"},
	}
	s := schemas(t)
	checker := contract.NewChecker(contract.NewRegistry(), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := fromFixture(t, tt.giveType, tt.giveEdits...)
			typ, version := typeAndVersion(t, raw)
			if err := s.Validate(typ, version, raw); err != nil {
				t.Errorf("schema now refuses it (%v): move the case to TestRejectedByBoth", err)
			}
			requireField(t, "Parse/Check", parseAndCheck(checker, raw), tt.wantField)
		})
	}
}

// TestSchemaStricterThanGo pins what the schemas refuse although the twin accepts it: the schema
// asks integrators to leave optional fields out rather than send them empty, to send lon and lat
// and the quay span explicitly, to keep ids ASCII and layout ids layout-shaped, and to spell field
// names exactly (the Go decoder matches them case-insensitively).
func TestSchemaStricterThanGo(t *testing.T) {
	tests := []struct {
		name      string
		giveType  string
		giveEdits []edit
		wantField string // the field the schema names
	}{
		{"empty optional truck", "yard.ContainerStacked", []edit{set("data.truck", "")}, "data.truck"},
		{"empty optional imo", "quay.VesselArrived", []edit{set("data.imo", "")}, "data.imo"},
		{"empty optional side", "quay.VesselBerthed", []edit{set("data.side", "")}, "data.side"},
		{"empty subject", "yard.ContainerStacked", []edit{set("subject", "")}, "subject"},
		{"empty datacontenttype", "yard.ContainerStacked", []edit{set("datacontenttype", "")}, "datacontenttype"},
		{"schemaversion 0", "yard.ContainerStacked", []edit{set("schemaversion", 0)}, "schemaversion"},
		{"block id with a dot", "yard.ContainerStacked", []edit{set("data.block", "A.01")}, "data.block"},
		{"lane id of 40 characters", "gate.TruckLeft", []edit{set("data.lane", strings.Repeat("L", 40))}, "data.lane"},
		{"non-ASCII crane id", "yard.ContainerStacked", []edit{set("data.crane", "RTG-é7")}, "data.crane"},
		{"field name in another case", "yard.ContainerHeld", []edit{del("data.container"), set("data.Container", "TGHU8712040")}, "data.container"},
		{"source with a broken escape", "yard.ContainerStacked", []edit{set("source", "/tos/%zz")}, "source"},
		{"source with a space", "yard.ContainerStacked", []edit{set("source", "TC3 TOS")}, "source"},
	}
	s := schemas(t)
	checker := contract.NewChecker(contract.NewRegistry(), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := fromFixture(t, tt.giveType, tt.giveEdits...)
			typ, version := typeAndVersion(t, raw)
			requireField(t, "schema", s.Validate(typ, version, raw), tt.wantField)
			if err := parseAndCheck(checker, raw); err != nil {
				t.Errorf("Parse/Check now refuses it (%v): move the case to TestRejectedByBoth", err)
			}
		})
	}
}

// TestSchemaValidateArguments covers the errors of Validate that come from its arguments.
func TestSchemaValidateArguments(t *testing.T) {
	raw := fromFixture(t, "yard.ContainerStacked")
	tests := []struct {
		name        string
		giveType    string
		giveVersion int
		giveDoc     any
		wantField   string
	}{
		{"unknown type", "yard.NoSuchEvent", 1, raw, "type"},
		{"unknown version", "yard.ContainerStacked", 9, raw, "schemaversion"},
		{"negative version", "yard.ContainerStacked", -1, raw, "schemaversion"},
		{"type of another schema", "yard.ContainerLifted", 1, raw, "type"},
		{"broken JSON", "yard.ContainerStacked", 1, []byte(`{"id":`), ""},
		{"decoded value", "yard.ContainerStacked", 1, map[string]any{"specversion": "1.0"}, "id"},
	}
	s := schemas(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireField(t, "Validate", s.Validate(tt.giveType, tt.giveVersion, tt.giveDoc), tt.wantField)
		})
	}
}

// TestSizeTypePattern compares the schema's size-type pattern with iso6346.ParseSizeType on every
// code of four capitals or digits with type detail 1.
func TestSizeTypePattern(t *testing.T) {
	re := defsPattern(t, "sizeType")
	const chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for _, a := range chars {
		for _, b := range chars {
			for _, c := range chars {
				code := string([]rune{a, b, c, '1'})
				canon, err := iso6346.ParseSizeType(code)
				goOK := err == nil && string(canon) == code
				if re.MatchString(code) != goOK {
					t.Errorf("%s: schema pattern says %v, ParseSizeType %v (%v)", code, !goOK, goOK, err)
				}
			}
		}
	}
}

// TestCellPattern compares the schema's cell pattern with quay.ParseCell on every tier of a range
// of bays and rows, in both the 6- and the 7-digit form.
func TestCellPattern(t *testing.T) {
	re := defsPattern(t, "cell")
	var bays2, bays3 []int
	for bay := 0; bay < 100; bay++ {
		bays2 = append(bays2, bay)
	}
	for _, bay := range []int{0, 1, 9, 10, 11, 99, 100, 101, 109, 110, 199, 200, 999} {
		bays3 = append(bays3, bay)
	}
	for _, form := range []struct {
		bayDigits int
		bays      []int
	}{{2, bays2}, {3, bays3}} {
		for _, bay := range form.bays {
			for _, row := range []int{0, 1, 99} {
				for tier := 0; tier < 100; tier++ {
					cell := fmt.Sprintf("%0*d%02d%02d", form.bayDigits, bay, row, tier)
					_, err := quay.ParseCell(cell)
					if re.MatchString(cell) != (err == nil) {
						t.Fatalf("%s: schema pattern says %v, ParseCell %v", cell, re.MatchString(cell), err)
					}
				}
			}
		}
	}
}

// --- helpers

// edit changes a decoded envelope; paths are dotted ("data.tier").
type edit func(t *testing.T, env map[string]any)

func set(path string, v any) edit {
	return func(t *testing.T, env map[string]any) {
		parent, key := walk(t, env, path)
		parent[key] = v
	}
}

func del(path string) edit {
	return func(t *testing.T, env map[string]any) {
		parent, key := walk(t, env, path)
		delete(parent, key)
	}
}

func walk(t *testing.T, env map[string]any, path string) (map[string]any, string) {
	t.Helper()
	keys := strings.Split(path, ".")
	m := env
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			t.Fatalf("edit %s: %s is not an object", path, k)
		}
		m = next
	}
	return m, keys[len(keys)-1]
}

// fromFixture returns the frozen fixture of typ (version 1) with edits applied.
func fromFixture(t *testing.T, typ string, edits ...edit) []byte {
	t.Helper()
	ctx, _, _ := strings.Cut(typ, ".")
	b, err := os.ReadFile(filepath.Join("..", "..", "domain", ctx, "testdata", "events", typ+".v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]any
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		e(t, env)
	}
	out, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// typeAndVersion reads the type and schema version an envelope claims (0 when absent), which is
// how a receiver picks the schema to validate against.
func typeAndVersion(t *testing.T, raw []byte) (string, int) {
	t.Helper()
	var head struct {
		Type          string `json:"type"`
		SchemaVersion int    `json:"schemaversion"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return head.Type, head.SchemaVersion
}

// parseAndCheck is the twin's own path for one event from an integrator.
func parseAndCheck(checker *contract.Checker, raw []byte) error {
	env, err := contract.Parse(raw)
	if err != nil {
		return err
	}
	_, err = checker.Own().Check(&env)
	return err
}

// requireField fails unless err is an *es.FieldErrors naming field.
func requireField(t *testing.T, who string, err error, field string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s accepted it, want an error naming %q", who, field)
		return
	}
	if names := contracttest.FieldNames(t, err); !slices.Contains(names, field) {
		t.Errorf("%s: error names %q, want %q: %v", who, names, field, err)
	}
}

// defsPattern compiles a pattern from defs.v1.json.
func defsPattern(t *testing.T, def string) *regexp.Regexp {
	t.Helper()
	b, err := fs.ReadFile(contract.SchemaFiles(), "defs.v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var defs struct {
		Defs map[string]struct{ Pattern string } `json:"$defs"`
	}
	if err := json.Unmarshal(b, &defs); err != nil {
		t.Fatal(err)
	}
	p := defs.Defs[def].Pattern
	if p == "" {
		t.Fatalf("defs.v1.json has no pattern for %s", def)
	}
	return regexp.MustCompile(p)
}
