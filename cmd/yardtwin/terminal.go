package main

import (
	"fmt"
	"os"

	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

// terminal is the layout the twin runs with, parsed and as read.
type terminal struct {
	Layout  *yard.Layout
	GeoJSON []byte // the file as read, WGS84
}

// loadTerminal reads the layout at path, or the embedded default when path is empty.
func loadTerminal(path string) (terminal, error) {
	var data []byte
	var err error
	if path == "" {
		path = "embedded tangermed/layout.geojson"
		data = tangermed.LayoutGeoJSON
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return terminal{}, fmt.Errorf("layout: %w", err)
	}
	l, err := yard.ParseLayout(data)
	if err != nil {
		return terminal{}, fmt.Errorf("layout %s: %w", path, err)
	}
	return terminal{Layout: l, GeoJSON: data}, nil
}
