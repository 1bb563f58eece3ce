// Package tangermed ships the Tanger Med demo terminal: a container terminal modelled on Tanger Med's
// TC3, as a GeoJSON layout that yard.ParseLayout reads. See README.md for what is in it.
package tangermed

import (
	_ "embed"

	"github.com/yardtwin/yardtwin/domain/yard"
)

//go:generate go run ./gen -o layout.geojson

// LayoutGeoJSON is layout.geojson as shipped (WGS84 GeoJSON).
//
//go:embed layout.geojson
var LayoutGeoJSON []byte

// Layout parses the shipped layout.
func Layout() (*yard.Layout, error) { return yard.ParseLayout(LayoutGeoJSON) }
