package iso6346

import "testing"

func TestParseContainerID(t *testing.T) {
	tests := []struct {
		give        string
		want        ContainerID
		wantErr     bool
		wantCheckOK bool
	}{
		{give: "MSCU1234566", want: "MSCU1234566", wantCheckOK: true},
		{give: "MSCU1234565", want: "MSCU1234565", wantCheckOK: false}, // the example in STYLE.md has a bad digit
		{give: "cSqU 305438-3", want: "CSQU3054383", wantCheckOK: true},
		{give: "MAEU1234560", want: "MAEU1234560", wantCheckOK: false}, // well formed, wrong digit
		{give: "TGHU0000000", want: "TGHU0000000", wantCheckOK: false},
		{give: "MSCX1234565", wantErr: true}, // category must be U, J or Z
		{give: "MSC1234565", wantErr: true},
		{give: "MSCU12345A5", wantErr: true},
		{give: "", wantErr: true},
		{give: "MSCU 1234 5666", wantErr: true}, // twelve characters once spaces go
		{give: "msçu1234566", wantErr: true},    // not ASCII
		{give: "MSCU-123456-6", want: "MSCU1234566", wantCheckOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParseContainerID(tt.give)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if !tt.wantErr && got.CheckDigitOK() != tt.wantCheckOK {
				t.Fatalf("CheckDigitOK = %v, want %v", got.CheckDigitOK(), tt.wantCheckOK)
			}
		})
	}
}

// TestCheckDigitKnownBoxes uses the worked example of ISO 6346 (CSQU305438 → 3) and numbers whose
// check digit is 10 (written 0).
func TestCheckDigitKnownBoxes(t *testing.T) {
	tests := []struct {
		give string
		want int
	}{
		{give: "CSQU305438", want: 3},
		{give: "MSCU123456", want: 6},
	}
	for _, tt := range tests {
		got, err := CheckDigit(tt.give)
		if err != nil || got != tt.want {
			t.Errorf("CheckDigit(%s) = %d, %v; want %d", tt.give, got, err, tt.want)
		}
	}
}

func TestParseSizeType(t *testing.T) {
	tests := []struct {
		give       string
		wantErr    bool
		wantFeet   int
		wantTEU    int
		wantReefer bool
	}{
		{give: "22G1", wantFeet: 20, wantTEU: 1},
		{give: "45R1", wantFeet: 40, wantTEU: 2, wantReefer: true},
		{give: "l5g1", wantFeet: 45, wantTEU: 2},
		{give: "42U1", wantFeet: 40, wantTEU: 2},
		{give: "22X1", wantErr: true},
		{give: "Z2G1", wantErr: true},
		{give: "22G", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParseSizeType(tt.give)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if got.LengthFeet() != tt.wantFeet || got.TEU() != tt.wantTEU || got.Reefer() != tt.wantReefer {
				t.Fatalf("%s: feet %d teu %d reefer %v", got, got.LengthFeet(), got.TEU(), got.Reefer())
			}
		})
	}
}

// TestParseContainerIDAllocations: a number already canonical is returned without a copy; one
// written otherwise costs its one result.
func TestParseContainerIDAllocations(t *testing.T) {
	tests := []struct {
		give       string
		wantAllocs float64
	}{
		{give: "MSCU1234566", wantAllocs: 0},
		{give: "mscu 123456-6", wantAllocs: 1},
	}
	for _, tt := range tests {
		if got := testing.AllocsPerRun(100, func() { _, _ = ParseContainerID(tt.give) }); got != tt.wantAllocs {
			t.Errorf("ParseContainerID(%q): %v allocations, want %v", tt.give, got, tt.wantAllocs)
		}
	}
}

func BenchmarkParseContainerID(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		if _, err := ParseContainerID("MSCU1234566"); err != nil {
			b.Fatal(err)
		}
	}
}
