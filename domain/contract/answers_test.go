package contract_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/contract/contracttest"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// The twin's clock in these tests; every event below is dated on that day or relative to it.
var testNow = time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC)

// event writes an envelope of type typ with the data members given (without braces).
func event(typ, data string) string {
	return fmt.Sprintf(`{"specversion":"1.0","id":"ev-1","source":"urn:tos:tc3","type":%q,"time":"2026-03-14T07:31:05Z","data":{%s}}`, typ, data)
}

const (
	stackedData   = `"container":"MSKU9045510","block":"A01","bay":23,"row":4,"tier":2,"crane":"RTG01"`
	announcedData = `"container":"MSKU9045510","size_type":"45R1","weight_kg":21500,"category":"import"`
)

func stacked(data string) string   { return event("yard.ContainerStacked", data) }
func announced(data string) string { return event("yard.ContainerAnnounced", data) }

// at dates an event.
func at(raw, when string) string {
	return strings.Replace(raw, `"time":"2026-03-14T07:31:05Z"`, `"time":"`+when+`"`, 1)
}

// tangerMed reads the shipped layout (A01 has 40 bays, 6 rows, 5 tiers; no block has more than 6
// rows or 6 tiers).
func tangerMed(t *testing.T) *yard.Layout { return tangerMedB(t) }

func tangerMedB(t testing.TB) *yard.Layout {
	t.Helper()
	data, err := os.ReadFile("../../scenarios/tangermed/layout.geojson")
	if err != nil {
		t.Fatal(err)
	}
	l, err := yard.ParseLayout(data)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// parseAndCheck runs the integrator path on one event.
func parseAndCheck(k *contract.Checker, raw string) error {
	env, err := contract.Parse([]byte(raw))
	if err != nil {
		return err
	}
	_, err = k.Check(&env)
	return err
}

// requireAnswer fails unless err names exactly the fields of want, each once, each with a reason
// containing want's.
func requireAnswer(t *testing.T, err error, want map[string]string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	var fe *es.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not an *es.FieldErrors", err, err)
	}
	seen := map[string]bool{}
	for _, f := range fe.Fields {
		if seen[f.Field] {
			t.Errorf("%s named twice in %v", f.Field, err)
		}
		seen[f.Field] = true
		reason, ok := want[f.Field]
		if !ok {
			t.Errorf("%s named (%s), want only %v", f.Field, f.Reason, want)
			continue
		}
		if !strings.Contains(f.Reason, reason) {
			t.Errorf("%s: reason %q, want it to say %q", f.Field, f.Reason, reason)
		}
	}
	for field := range want {
		if !seen[field] {
			t.Errorf("%s not named, got %v", field, err)
		}
	}
}

// TestAnswers: each bad input of issue 13 that the contract answers (items 3, 4, 5 and 7) is
// refused naming every field at fault, once, with the reason; the near misses are accepted.
func TestAnswers(t *testing.T) {
	layout := tangerMed(t)
	clock := func() time.Time { return testNow }
	checker := contract.NewChecker(contract.NewRegistry(), layout).WithTimeWindow(clock, 24*time.Hour)
	tests := []struct {
		name string
		give string
		want map[string]string // field: part of the reason; none when accepted
	}{
		{name: "fixture-like event", give: stacked(stackedData)},

		// Item 3: text that is not UTF-8, or an escaped lone surrogate, in any string.
		{
			name: "invalid UTF-8 in data.container",
			give: stacked(strings.Replace(stackedData, "MSKU9045510", "MSKU\xff045510", 1)),
			want: map[string]string{"data.container": "is not UTF-8 text: byte 0xff at byte 4 of the string"},
		},
		{
			name: "invalid UTF-8 in source",
			give: strings.Replace(stacked(stackedData), "urn:tos:tc3", "urn:tos:\xc3(", 1),
			want: map[string]string{"source": "is not UTF-8 text"},
		},
		{
			name: "invalid UTF-8 in id and data.crane",
			give: strings.Replace(stacked(strings.Replace(stackedData, "RTG01", "RTG\xe2\x82", 1)), `"ev-1"`, "\"ev-\xfe\"", 1),
			want: map[string]string{"id": "is not UTF-8 text", "data.crane": "is not UTF-8 text"},
		},
		{
			name: "invalid UTF-8 in an extension attribute",
			give: strings.Replace(stacked(stackedData), `{"specversion"`, "{\"traceparent\":\"00-\x80\",\"specversion\"", 1),
			want: map[string]string{"traceparent": "is not UTF-8 text"},
		},
		{
			name: "invalid UTF-8 in a field name of data",
			give: stacked(stackedData + ",\"tos_\xffref\":\"M-7731\""),
			want: map[string]string{"data": "has a field name that is not UTF-8 text"},
		},
		{
			name: "lone high surrogate escaped in data.crane",
			give: stacked(strings.Replace(stackedData, "RTG01", `RTG\ud800`, 1)),
			want: map[string]string{"data.crane": `has \ud800, half of a UTF-16 surrogate pair`},
		},
		{
			name: "lone low surrogate escaped in data.truck",
			give: stacked(stackedData + `,"truck":"\uDC00IT"`),
			want: map[string]string{"data.truck": `has \udc00`},
		},
		{name: "surrogate pair escaped (an emoji) in data.truck", give: stacked(stackedData + `,"truck":"IT-\ud83d\ude9a"`)},
		{name: "escaped backslash before u", give: stacked(stackedData + `,"truck":"IT\\ud800"`)},
		{name: "UTF-8 beyond ASCII in data.truck", give: stacked(stackedData + `,"truck":"ÉTÉ-7"`)},

		// Item 4: absurd times.
		{
			name: "year 3000",
			give: at(stacked(stackedData), "3000-01-01T00:00:00Z"),
			want: map[string]string{"time": "3000-01-01T00:00:00Z is more than 24h0m0s ahead of the twin's clock (2026-03-14T08:00:00Z)"},
		},
		{
			name: "year 9999",
			give: at(stacked(stackedData), "9999-12-31T23:59:59Z"),
			want: map[string]string{"time": "9999-12-31T23:59:59Z is more than 24h0m0s ahead"},
		},
		{
			name: "25 hours ahead",
			give: at(stacked(stackedData), "2026-03-15T09:00:00Z"),
			want: map[string]string{"time": "more than 24h0m0s ahead"},
		},
		{
			name: "25 hours ahead, written with an offset",
			give: at(stacked(stackedData), "2026-03-15T11:00:00+02:00"),
			want: map[string]string{"time": "2026-03-15T09:00:00Z is more than 24h0m0s ahead"},
		},
		{name: "23 hours ahead (a fast clock)", give: at(stacked(stackedData), "2026-03-15T07:00:00Z")},
		{name: "a year late (a late report is a fact)", give: at(stacked(stackedData), "2025-03-14T07:00:00Z")},
		{
			name: "year 0001",
			give: at(stacked(stackedData), "0001-01-01T00:00:00Z"),
			want: map[string]string{"time": "0001-01-01T00:00:00Z is before 2000-01-01T00:00:00Z, the earliest time the twin accepts"},
		},
		{
			name: "year 0000",
			give: at(stacked(stackedData), "0000-01-01T00:00:00Z"),
			want: map[string]string{"time": "is before 2000-01-01"},
		},
		{
			name: "the Unix epoch",
			give: at(stacked(stackedData), "1970-01-01T00:00:00Z"),
			want: map[string]string{"time": "is before 2000-01-01"},
		},
		{name: "the floor itself", give: at(stacked(stackedData), "2000-01-01T00:00:00Z")},
		{
			name: "year 3000 and a bad tier",
			give: at(stacked(strings.Replace(stackedData, `"tier":2`, `"tier":9`, 1)), "3000-01-01T00:00:00Z"),
			want: map[string]string{"time": "ahead", "data.tier": "9 is impossible: block A01 has tiers 1 to 5"},
		},

		// Item 5: a missing field says so; a wrong shape says where.
		{
			name: "missing weight_kg",
			give: announced(strings.Replace(announcedData, `,"weight_kg":21500`, "", 1)),
			want: map[string]string{"data.weight_kg": "is required"},
		},
		{
			name: "weight_kg null",
			give: announced(strings.Replace(announcedData, `21500`, "null", 1)),
			want: map[string]string{"data.weight_kg": "is required, got null"},
		},
		{
			name: "weight_kg 0 sent",
			give: announced(strings.Replace(announcedData, `21500`, "0", 1)),
			want: map[string]string{"data.weight_kg": "0 kg is outside 0..40000 kg"},
		},
		{name: "field names in another case (encoding/json matches them so)", give: announced(strings.Replace(announcedData, `"weight_kg"`, `"Weight_KG"`, 1))},
		{
			name: "missing bay",
			give: stacked(strings.Replace(stackedData, `"bay":23,`, "", 1)),
			want: map[string]string{"data.bay": "is required"},
		},
		{
			name: "missing bay and tier",
			give: stacked(strings.Replace(strings.Replace(stackedData, `"bay":23,`, "", 1), `"tier":2,`, "", 1)),
			want: map[string]string{"data.bay": "is required", "data.tier": "is required"},
		},
		{
			name: "missing container (the stream cannot be told either)",
			give: stacked(strings.Replace(stackedData, `"container":"MSKU9045510",`, "", 1)),
			want: map[string]string{"data.container": "is required"},
		},
		{
			name: "bay 0 sent",
			give: stacked(strings.Replace(stackedData, `"bay":23`, `"bay":0`, 1)),
			want: map[string]string{"data.bay": "0 is impossible: bays are numbered from 1"},
		},
		{
			name: "missing lon",
			give: event("equipment.PositionReported", `"equipment":"RTG01","kind":"yard_crane","lat":35.885`),
			want: map[string]string{"data.lon": "is required"},
		},
		{
			name: "missing quay span",
			give: event("quay.VesselBerthed", `"visit":"V1","berth":"B1"`),
			want: map[string]string{"data.quay_from_m": "is required", "data.quay_to_m": "is required"},
		},
		{
			name: "an array in an array ([[event]])",
			give: "[" + stacked(stackedData) + "]",
			want: map[string]string{es.WholeEvent: "must be a JSON object (one event), got JSON array: a batch is one JSON array of events"},
		},
		{
			name: "a string",
			give: `"yard.ContainerStacked"`,
			want: map[string]string{es.WholeEvent: "must be a JSON object (one event), got JSON string"},
		},
		{
			name: "two events on one line",
			give: stacked(stackedData) + stacked(stackedData),
			want: map[string]string{es.WholeEvent: "more than one JSON value"},
		},
		{
			name: "a stray brace after the event",
			give: stacked(stackedData) + "}",
			want: map[string]string{"": "broken JSON at byte"},
		},
		{
			name: "data is an array",
			give: strings.Replace(stacked(""), `"data":{}`, `"data":[{}]`, 1),
			want: map[string]string{"data": "must be an object, got JSON array"},
		},
		{
			name: "id and time of the wrong type",
			give: strings.Replace(strings.Replace(stacked(stackedData), `"ev-1"`, `5`, 1), `"2026-03-14T07:31:05Z"`, `true`, 1),
			want: map[string]string{"id": "must be a string, got JSON number", "time": "must be a string, got JSON bool"},
		},
		{
			name: "bay and row of the wrong type",
			give: stacked(strings.Replace(strings.Replace(stackedData, `"bay":23`, `"bay":"23"`, 1), `"row":4`, `"row":[4]`, 1)),
			want: map[string]string{"data.bay": "must be an integer, got JSON string", "data.row": "must be an integer, got JSON array"},
		},
		{
			name: "bay of the wrong type and crane missing",
			give: stacked(strings.Replace(strings.Replace(stackedData, `"bay":23`, `"bay":"23"`, 1), `,"crane":"RTG01"`, "", 1)),
			want: map[string]string{"data.bay": "must be an integer, got JSON string", "data.crane": "is required"},
		},
		{
			name: "quay_from_m of the wrong type (a type with its own UnmarshalJSON)",
			give: event("quay.VesselBerthed", `"visit":"V1","berth":"B1","quay_from_m":"10","quay_to_m":{}`),
			want: map[string]string{"data.quay_from_m": "must be a number, got JSON string", "data.quay_to_m": "must be a number, got JSON object"},
		},

		// Item 7: every field at fault, layout faults included.
		{
			name: "block ZZ, bay 0, row 99",
			give: stacked(strings.Replace(strings.Replace(strings.Replace(stackedData, `"A01"`, `"ZZ"`, 1), `"bay":23`, `"bay":0`, 1), `"row":4`, `"row":99`, 1)),
			want: map[string]string{
				"data.block": `unknown block "ZZ"`,
				"data.bay":   "0 is impossible: bays are numbered from 1",
				"data.row":   "99 is impossible: no block of the layout has more than 6 rows",
			},
		},
		{
			name: "block A01, bay 41, row 7, tier 6",
			give: stacked(strings.Replace(strings.Replace(strings.Replace(stackedData, `"bay":23`, `"bay":41`, 1), `"row":4`, `"row":7`, 1), `"tier":2`, `"tier":6`, 1)),
			want: map[string]string{
				"data.bay":  "41 is impossible: block A01 has bays 1 to 40",
				"data.row":  "7 is impossible: block A01 has rows 1 to 6",
				"data.tier": "6 is impossible: block A01 has tiers 1 to 5",
			},
		},
		{
			name: "block A01, bay 0, row 7",
			give: stacked(strings.Replace(strings.Replace(stackedData, `"bay":23`, `"bay":0`, 1), `"row":4`, `"row":7`, 1)),
			want: map[string]string{
				"data.bay": "0 is impossible: bays are numbered from 1",
				"data.row": "7 is impossible: block A01 has rows 1 to 6",
			},
		},
		{
			name: "missing block, tier 7",
			give: stacked(strings.Replace(strings.Replace(stackedData, `"block":"A01",`, "", 1), `"tier":2`, `"tier":7`, 1)),
			want: map[string]string{
				"data.block": "is required",
				"data.tier":  "7 is impossible: no block of the layout has more than 6 tiers",
			},
		},
		{
			name: "unknown berth, span reversed",
			give: event("quay.VesselBerthed", `"visit":"V1","berth":"B9","quay_from_m":300,"quay_to_m":10`),
			want: map[string]string{"data.berth": `unknown berth "B9"`, "data.quay_to_m": "must be greater than quay_from_m (300)"},
		},
		{
			name: "bad tier and a subject of another box: the subject is not judged",
			give: strings.Replace(stacked(strings.Replace(stackedData, `"tier":2`, `"tier":0`, 1)), `"data"`, `"subject":"container-MAEU7193022","data"`, 1),
			want: map[string]string{"data.tier": "0 is impossible: tiers are numbered from 1"},
		},
		{
			name: "a bad envelope and bad data",
			give: strings.Replace(strings.Replace(stacked(strings.Replace(stackedData, "RTG01", "RTG\xff", 1)), `"source":"urn:tos:tc3",`, "", 1), `"ev-1"`, `""`, 1),
			want: map[string]string{"id": "is required", "source": "is required", "data.crane": "is not UTF-8 text"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireAnswer(t, parseAndCheck(checker, tt.give), tt.want)
		})
	}
}

// TestTimeWindowOption: without WithTimeWindow (or with zero ahead) the checker judges no time
// against the clock, only against the fixed bounds.
func TestTimeWindowOption(t *testing.T) {
	reg := contract.NewRegistry()
	clock := func() time.Time { return testNow }
	tests := []struct {
		name        string
		giveChecker *contract.Checker
		giveTime    string
		want        map[string]string
	}{
		{name: "no window, year 2100", giveChecker: contract.NewChecker(reg, nil), giveTime: "2100-01-01T00:00:00Z"},
		{name: "zero ahead, year 2100", giveChecker: contract.NewChecker(reg, nil).WithTimeWindow(clock, 0), giveTime: "2100-01-01T00:00:00Z"},
		{name: "no window, year 1999", giveChecker: contract.NewChecker(reg, nil), giveTime: "1999-12-31T23:59:59Z", want: map[string]string{"time": "is before 2000-01-01T00:00:00Z"}},
		{name: "no window, year 2200", giveChecker: contract.NewChecker(reg, nil), giveTime: "2200-01-01T00:00:00Z", want: map[string]string{"time": "is not before 2200-01-01T00:00:00Z"}},
		{name: "one hour window, 61 minutes ahead", giveChecker: contract.NewChecker(reg, nil).WithTimeWindow(clock, time.Hour), giveTime: "2026-03-14T09:01:00Z", want: map[string]string{"time": "more than 1h0m0s ahead"}},
		{name: "one hour window, exactly an hour ahead", giveChecker: contract.NewChecker(reg, nil).WithTimeWindow(clock, time.Hour), giveTime: "2026-03-14T09:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireAnswer(t, parseAndCheck(tt.giveChecker, at(stacked(stackedData), tt.giveTime)), tt.want)
		})
	}
}

// TestCheckTextOfBuiltEnvelopes: an envelope built without Parse (a dialect's mapping) is checked
// for text too.
func TestCheckTextOfBuiltEnvelopes(t *testing.T) {
	env := es.Envelope{
		SpecVersion: es.SpecVersion, ID: "ev-\xff", Source: "urn:dcsa", Type: "yard.ContainerStacked", Time: testNow,
		Data: []byte("{" + strings.Replace(stackedData, "RTG01", "RTG\xc0", 1) + "}"),
	}
	_, err := contract.NewChecker(contract.NewRegistry(), nil).Check(&env)
	requireAnswer(t, err, map[string]string{"id": "is not UTF-8 text", "data.crane": "is not UTF-8 text"})
}

// TestEveryRequiredFieldIsRequired: for every event type, leaving out any field its schema requires
// is refused naming that field "is required", and that field alone: the Go validation never calls a
// missing field by another name or reason.
func TestEveryRequiredFieldIsRequired(t *testing.T) {
	checker := contract.NewChecker(contract.NewRegistry(), nil).Own()
	for _, fx := range contracttestFixtures(t) {
		required := schemaRequired(t, fx.Type, fx.Version)
		for _, field := range required {
			t.Run(fx.Type+"/"+field, func(t *testing.T) {
				raw := withoutDataField(t, fx.Raw, field)
				requireAnswer(t, parseAndCheck(checker, string(raw)), map[string]string{"data." + field: "is required"})
			})
		}
	}
}

func contracttestFixtures(t *testing.T) []contracttest.Fixture { return contracttest.Fixtures(t, "..") }

// schemaRequired lists the data fields the schema of typ at version requires.
func schemaRequired(t *testing.T, typ string, version int) []string {
	t.Helper()
	b, ok := contract.SchemaFor(typ, version)
	if !ok {
		t.Fatalf("no schema for %s v%d", typ, version)
	}
	var s struct {
		Properties struct {
			Data struct {
				Required []string `json:"required"`
			} `json:"data"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s.Properties.Data.Required
}

// withoutDataField returns the envelope raw without data.field.
func withoutDataField(t *testing.T, raw []byte, field string) []byte {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	data := env["data"].(map[string]any)
	if _, ok := data[field]; !ok {
		t.Fatalf("the fixture has no data.%s", field)
	}
	delete(data, field)
	out, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
