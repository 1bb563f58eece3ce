package main

import (
	"bytes"
	"os"
	"testing"
)

// TestShippedLayoutIsGenerated fails when layout.geojson and this generator disagree: edit the
// generator, then run `go run ./gen > layout.geojson` in scenarios/teaching and review the diff.
func TestShippedLayoutIsGenerated(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../layout.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("layout.geojson is not what gen writes; run `go run ./gen > layout.geojson` in scenarios/teaching")
	}
}
