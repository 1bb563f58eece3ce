// Package scenarios ships the scenario files (YAML) and terminal layouts (GeoJSON) that come with
// the project, embedded so that the binary runs them without the source tree.
package scenarios

import "embed"

// FS holds every shipped scenario and layout, by path: "tangermed/demo.yaml" (the live demo),
// "tangermed/transhipment-week.yaml", "tangermed/gate-rush.yaml", "tangermed/layout.geojson",
// "teaching/teaching.yaml" and "teaching/layout.geojson". Load a scenario with simulator.LoadScenario(scenarios.FS, path) and
// its layout with Scenario.ReadLayout(scenarios.FS).
//
//go:embed tangermed/*.geojson tangermed/*.yaml teaching/*.geojson teaching/*.yaml
var FS embed.FS
