package yard

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSlotString(t *testing.T) {
	tests := []struct {
		give Slot
		want string
	}{
		{Slot{"A01", 7, 3, 2}, "A01.07.03.2"},
		{Slot{"B07", 40, 6, 5}, "B07.40.06.5"},
		{Slot{"RF-2", 123, 10, 1}, "RF-2.123.10.1"},
	}
	for _, tt := range tests {
		if got := tt.give.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.give, got, tt.want)
		}
		back, err := ParseSlot(tt.want)
		if err != nil || back != tt.give {
			t.Errorf("ParseSlot(%q) = %#v, %v; want %#v", tt.want, back, err, tt.give)
		}
	}
}

func TestParseSlot(t *testing.T) {
	tests := []struct {
		give    string
		want    Slot
		wantErr string
	}{
		{give: "A01.07.03.2", want: Slot{"A01", 7, 3, 2}},
		{give: "A01.7.3.2", want: Slot{"A01", 7, 3, 2}},
		{give: "A01.007.003.02", want: Slot{"A01", 7, 3, 2}},
		{give: "A01-07-03-2", wantErr: "want <block>.<bay>.<row>.<tier>"},
		{give: "A01.07.03", wantErr: "want <block>.<bay>.<row>.<tier>"},
		{give: "A01.07.03.2.1", wantErr: "want <block>.<bay>.<row>.<tier>"},
		{give: ".07.03.2", wantErr: "block: empty id"},
		{give: "A 1.07.03.2", wantErr: "block: id"},
		{give: "A01.0.03.2", wantErr: "bay:"},
		{give: "A01.07.-3.2", wantErr: "row:"},
		{give: "A01.07.03.x", wantErr: "tier:"},
		{give: "A01.1000.03.2", wantErr: "bay:"},
		{give: "A01.07.03.+2", wantErr: "tier:"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParseSlot(tt.give)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSlot(%q) error = %v, want one containing %q", tt.give, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseSlot(%q) = %#v, %v; want %#v", tt.give, got, err, tt.want)
			}
		})
	}
}

func TestSlotJSON(t *testing.T) {
	data, err := json.Marshal(Slot{"A01", 7, 3, 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"block":"A01","bay":7,"row":3,"tier":2}`; string(data) != want {
		t.Errorf("JSON = %s, want %s", data, want)
	}
}
